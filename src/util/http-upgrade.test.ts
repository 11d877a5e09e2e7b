import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { upgradeRequestHead } from './http-upgrade.js';

function request(method: string, rawHeaders: string[]): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.rawHeaders = rawHeaders;
  return req;
}

test('an upgrade request is re-sent with the new path and host, keeping protocol headers in order', () => {
  const req = request('POST', [
    'Host', 'apiserver:6443', 'Authorization', 'Bearer secret', 'Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1',
    'X-Stream-Protocol-Version', 'v4.channel.k8s.io', 'X-Stream-Protocol-Version', 'v3.channel.k8s.io',
    'Impersonate-User', 'someone', 'User-Agent', 'kubectl/v1.32.0',
  ]);
  assert.equal(upgradeRequestHead(req, '/exec/ns/pod/c?command=ls&stdout=1', '10.0.0.2:10250'), [
    'POST /exec/ns/pod/c?command=ls&stdout=1 HTTP/1.1', 'Host: 10.0.0.2:10250', 'Connection: Upgrade', 'Upgrade: SPDY/3.1',
    'X-Stream-Protocol-Version: v4.channel.k8s.io', 'X-Stream-Protocol-Version: v3.channel.k8s.io', 'User-Agent: kubectl/v1.32.0',
  ].join('\r\n') + '\r\n\r\n');
});

test('WebSocket handshake headers pass through', () => {
  const req = request('GET', ['Sec-WebSocket-Key', 'abc', 'Sec-WebSocket-Protocol', 'v5.channel.k8s.io', 'Sec-WebSocket-Version', '13', 'Proxy-Authorization', 'x']);
  const head = upgradeRequestHead(req, '/exec/x', '127.0.0.1:1234');
  assert.match(head, /\r\nSec-WebSocket-Key: abc\r\nSec-WebSocket-Protocol: v5\.channel\.k8s\.io\r\nSec-WebSocket-Version: 13\r\n\r\n$/);
  assert.doesNotMatch(head, /Proxy-Authorization/);
});
