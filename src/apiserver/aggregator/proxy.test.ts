import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { APIService } from '../../api/types/generated.js';
import { createCA, issueCertificate } from '../../pki/certificates.js';
import { APIServiceProxy } from './proxy.js';

/** A backend on 127.0.0.1 recording what reached it, and a plain-HTTP front whose requests go through the proxy as `user`. */
async function setup(available = true) {
  const proxyCA = await createCA('front-proxy-ca');
  const client = await issueCertificate(proxyCA, { commonName: 'front-proxy-client', usage: 'client' });
  const serverCA = await createCA('echo-ca');
  const serving = await issueCertificate(serverCA, { commonName: 'api', usage: 'server', dnsNames: ['api.ns.svc'] });
  const seen: { path?: string; headers?: IncomingHttpHeaders; clientCN?: string } = {};
  const backend = createHttpsServer({ cert: serving.cert, key: serving.key, ca: proxyCA.cert, requestCert: true }, (req, res) => {
    seen.path = req.url;
    seen.headers = req.headers;
    seen.clientCN = (req.socket as TLSSocket).getPeerCertificate().subject?.CN as string;
    if (req.url!.startsWith('/apis/echo.io/v1/redirect')) {
      res.writeHead(302, { Location: 'https://169.254.169.254/' });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Backend': 'yes' });
    res.end('{"kind":"EchoList"}');
  });
  await new Promise<void>(r => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as AddressInfo).port;
  const apiService: APIService = {
    metadata: { name: 'v1.echo.io' },
    spec: { group: 'echo.io', version: 'v1', groupPriorityMinimum: 1, versionPriority: 1, service: { namespace: 'ns', name: 'api', port: 443 }, caBundle: Buffer.from(serverCA.cert).toString('base64') },
    status: { conditions: [{ type: 'Available', status: available ? 'True' : 'False' }] },
  };
  let target = { host: '127.0.0.1', port };
  const proxy = new APIServiceProxy(client, () => target);
  const front = createHttpServer((req, res) => {
    const url = new URL(req.url!, 'https://k8ts');
    void proxy.serve(req, res, url, apiService, { username: 'jane', groups: ['devs', 'system:authenticated'], extra: { 'example.com/team': ['a', 'b'] } });
  });
  await new Promise<void>(r => front.listen(0, '127.0.0.1', r));
  const get = (path: string, headers: Record<string, string> = {}) => new Promise<{ code: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: (front.address() as AddressInfo).port, path, headers }, res => {
      let body = '';
      res.on('data', d => { body += d; });
      res.on('end', () => resolve({ code: res.statusCode!, headers: res.headers, body }));
    }).on('error', reject).end();
  });
  const close = () => { backend.close(); front.close(); };
  return { seen, get, close, unreachable: () => { target = { host: '127.0.0.1', port: 1 }; } };
}

test('the caller is named by the proxy alone, with the front-proxy certificate, over verified TLS', async () => {
  const s = await setup();
  try {
    const r = await s.get('/apis/echo.io/v1/echoes?watch=true&b=2&a=1', {
      Authorization: 'Bearer secret', 'X-Remote-User': 'mallory', 'X-Remote-Group': 'system:masters', 'Impersonate-User': 'root', Accept: 'application/json',
    });
    assert.deepEqual([r.code, r.headers['x-backend'], r.body], [200, 'yes', '{"kind":"EchoList"}']);
    assert.equal(s.seen.path, '/apis/echo.io/v1/echoes?a=1&b=2&watch=true');
    assert.equal(s.seen.clientCN, 'front-proxy-client');
    const h = s.seen.headers!;
    assert.deepEqual([h['x-remote-user'], h['x-remote-group'], h['x-remote-extra-example.com%2fteam']], ['jane', 'devs, system:authenticated', 'a, b']);
    assert.equal(h.authorization, undefined);
    assert.equal(h['impersonate-user'], undefined);
    assert.equal(h.accept, 'application/json');
    // A redirect is not passed on (upstream's --aggregator-reject-forwarding-redirect).
    const redirect = await s.get('/apis/echo.io/v1/redirect');
    assert.deepEqual([redirect.code, redirect.headers.location, redirect.body], [502, undefined, 'the backend attempted to redirect this request, which is not permitted']);
  } finally {
    s.close();
  }
});

test('an unavailable APIService or an unreachable server is a plain-text 503, as upstream answers', async () => {
  const down = await setup(false);
  try {
    const r = await down.get('/apis/echo.io/v1/echoes');
    assert.deepEqual([r.code, r.headers['content-type'], r.body], [503, 'text/plain; charset=utf-8', 'service unavailable\n']);
  } finally {
    down.close();
  }
  const gone = await setup();
  try {
    gone.unreachable();
    const r = await gone.get('/apis/echo.io/v1/echoes');
    assert.deepEqual([r.code, r.body], [503, 'dial tcp 127.0.0.1:1: connect: connection refused\n']);
  } finally {
    gone.close();
  }
});
