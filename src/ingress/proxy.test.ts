// The proxy between real sockets on loopback: a client, the proxy's HTTP server and backend
// servers standing in for pods, with a route table built by hand.
import assert from 'node:assert/strict';
import { createServer, request, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { IngressProxy } from './proxy.js';
import type { Backend, RouteTable } from './route-table.js';

interface Seen { url: string; headers: IncomingMessage['headers']; socket: string; body: string }

/** A backend that answers with what it saw: its name, the request and the connection it came on. */
async function backend(name: string): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  let conns = 0;
  const server = createServer((req, res) => {
    const socket = ((req.socket as unknown as { id?: string }).id ??= `${name}-${conns++}`);
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, socket, body });
      if (req.url === '/stream') {
        // Half a response, then the rest only when the client says so through a second request.
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Backend': name, Connection: 'X-Drop-Me', 'X-Drop-Me': '1' });
        res.write('first,');
        releaseStream = () => res.end('second');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Backend': name });
      res.end(`${name}:${body}`);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}
let releaseStream: (() => void) | undefined;

describe('ingress proxy', () => {
  let one: Awaited<ReturnType<typeof backend>>;
  let two: Awaited<ReturnType<typeof backend>>;
  let ws: WebSocketServer;
  let wsPort: number;
  let proxyServer: Server;
  let port: number;
  let proxy: IngressProxy;
  let closedPort: number;
  const clientAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  let table: RouteTable;

  before(async () => {
    one = await backend('one');
    two = await backend('two');
    ws = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise(r => ws.once('listening', r));
    wsPort = (ws.address() as AddressInfo).port;
    ws.on('connection', (sock, req) => sock.on('message', m => sock.send(`echo ${m} via ${req.headers['x-forwarded-proto']} host ${req.headers.host}`)));
    const closed = createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise(r => closed.close(r));

    const ep = (p: number) => ({ host: '127.0.0.1', port: p });
    const both: Backend = { id: 'default/web:80', endpoints: [ep(one.port), ep(two.port)] };
    const withDead: Backend = { id: 'default/flaky:80', endpoints: [ep(closedPort), ep(two.port)] };
    const dead: Backend = { id: 'default/dead:80', endpoints: [ep(closedPort)] };
    const wsb: Backend = { id: 'default/ws:80', endpoints: [ep(wsPort)] };
    table = {
      hosts: new Map([
        ['web.test', { routes: [
          { path: '/stream', type: 'Prefix', backend: { id: 'default/one:80', endpoints: [ep(one.port)] }, ingress: 'default/i' },
          { path: '/idle', type: 'Prefix', backend: { id: 'default/idle:80', endpoints: [], unavailable: 'no ready endpoints for service default/idle port 80' }, ingress: 'default/i' },
          { path: '/flaky', type: 'Prefix', backend: withDead, ingress: 'default/i' },
          { path: '/dead', type: 'Prefix', backend: dead, ingress: 'default/i' },
          { path: '/ws', type: 'Prefix', backend: wsb, ingress: 'default/i' },
          { path: '', type: 'Prefix', backend: both, ingress: 'default/i' },
        ] }],
      ]),
      catchAll: { routes: [] },
      certificates: new Map(),
      problems: [],
    };
    proxy = new IngressProxy(() => table, () => undefined);
    proxyServer = createServer((req, res) => proxy.handle(req, res, { scheme: 'http', port: 80 }));
    proxyServer.on('upgrade', (req, socket, head) => proxy.upgrade(req, socket, head, { scheme: 'http', port: 80 }));
    await new Promise<void>(r => proxyServer.listen(0, '127.0.0.1', r));
    port = (proxyServer.address() as AddressInfo).port;
  });

  after(async () => {
    clientAgent.destroy();
    proxy.close();
    proxyServer.closeAllConnections();
    for (const s of [proxyServer, one.server, two.server]) await new Promise(r => s.close(r));
    await new Promise(r => ws.close(r));
  });

  const get = (path: string, headers: Record<string, string> = {}, body?: string) => new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers: { Host: 'web.test', ...headers }, agent: clientAgent }, res => {
      let text = '';
      res.on('data', d => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });

  test('requests alternate between the endpoints, over kept-alive connections, with the forwarding headers', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await get('/x?q=1', { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https', 'X-Real-IP': '1.1.1.1' })).body);
    assert.deepEqual(answers.map(a => a.split(':')[0]).sort(), ['one', 'one', 'two', 'two']);
    assert.notEqual(answers[0].split(':')[0], answers[1].split(':')[0]);
    const last = one.seen.at(-1)!;
    assert.equal(last.url, '/x?q=1');
    assert.equal(last.headers.host, 'web.test');
    assert.equal(last.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(last.headers['x-real-ip'], '127.0.0.1');
    assert.equal(last.headers['x-forwarded-proto'], 'http');
    assert.equal(last.headers['x-forwarded-host'], 'web.test');
    assert.equal(last.headers['x-forwarded-port'], '80');
    assert.equal(new Set(one.seen.map(s => s.socket)).size, 1, 'one connection to the backend, kept alive');
  });

  test('a request body is passed on', async () => {
    const r = await get('/upload', {}, 'hello body');
    assert.match(r.body, /^(one|two):hello body$/);
  });

  test('a response streams through before it ends, without its hop-by-hop headers', async () => {
    const r = await new Promise<{ first: string; rest: Promise<string>; headers: IncomingMessage['headers'] }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/stream', headers: { Host: 'web.test' } }, res => {
        res.setEncoding('utf8');
        res.once('data', (first: string) => {
          let rest = '';
          resolve({ first, headers: res.headers, rest: new Promise(done => { res.on('data', d => (rest += d)); res.on('end', () => done(rest)); }) });
        });
      }).on('error', reject).end();
    });
    assert.equal(r.first, 'first,');
    assert.equal(r.headers['x-backend'], 'one');
    assert.equal(r.headers['x-drop-me'], undefined);
    releaseStream!();
    assert.equal(await r.rest, 'second');
  });

  test('a backend without ready endpoints answers 503 with the reason; no route answers 404', async () => {
    const idle = await get('/idle');
    assert.equal(idle.status, 503);
    assert.equal(idle.body, '503 Service Unavailable: no ready endpoints for service default/idle port 80\n');
    const none = await get('/', { Host: 'unknown.test' });
    assert.equal(none.status, 404);
    assert.match(none.body, /no Ingress rule matches host "unknown.test" and path "\/"/);
  });

  test('a refused endpoint is skipped for the next one; with none left, 502', async () => {
    for (let i = 0; i < 3; i++) assert.match((await get('/flaky')).body, /^two:/);
    const r = await get('/dead');
    assert.equal(r.status, 502);
    assert.match(r.body, /backend default\/dead:80 \(127\.0\.0\.1:\d+\): ECONNREFUSED/);
  });

  test('a WebSocket is relayed both ways', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Host: 'web.test' } });
    await new Promise((resolve, reject) => { client.once('open', resolve); client.once('error', reject); });
    const answer = new Promise<string>(resolve => client.once('message', m => resolve(String(m))));
    client.send('ping');
    assert.equal(await answer, 'echo ping via http host web.test');
    client.close();
  });

  test('an upgrade to nowhere gets the 404 on its socket', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Host: 'unknown.test' } });
    const status = await new Promise<number>(resolve => client.once('unexpected-response', (_req, res) => resolve(res.statusCode!)));
    assert.equal(status, 404);
  });
});
