import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { StatusError } from '../api/errors.js';
import { createCA, issueCertificate } from '../pki/certificates.js';
import { startLoopbackHttps } from '../pki/loopback-https.js';
import { PROBE_TIMEOUT_MS, RESPONSE_TIMEOUT_MS, RestClient, ServerUnreachableError, STALL_PROBE_MS, WATCH_IDLE_MS } from './rest-client.js';
import { ServerList } from './server-discovery.js';

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; body: string; socket: number }

describe('RestClient', () => {
  let server: Server;
  let base: string;
  let ca: string;
  const seen: Seen[] = [];
  const sockets = new WeakMap<object, number>();
  let nextSocket = 0;

  before(async () => {
    ({ server, url: base, ca } = await startLoopbackHttps((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        if (!sockets.has(req.socket)) sockets.set(req.socket, nextSocket++);
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString(), socket: sockets.get(req.socket)! });
        if (req.url!.includes('/missing')) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', message: 'pods "x" not found', code: 404, details: { name: 'x', kind: 'pods' } }));
        } else if (req.url!.startsWith('/api/v1/pods?') && req.url!.includes('watch=true')) {
          // Events split across writes, a blank line between them; held open when asked to.
          res.writeHead(200, { 'Content-Type': 'application/json' });
          const a = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } });
          res.write(a.slice(0, 10));
          setTimeout(() => {
            res.write(`${a.slice(10)}\n\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}\n{"type":"ADD`);
            setTimeout(() => {
              res.write('ED","object":{"metadata":{"name":"b"}}}\n');
              if (!req.url!.includes('hold')) res.end();
            }, 5);
          }, 5);
          return;
        } else if (req.url!.includes('/throttled') && seen.filter(x => x.url === req.url).length < 3) {
          // Upstream's max-in-flight answer, twice, then the request goes through.
          res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'TooManyRequests', message: 'Too many requests, please try again later.', code: 429, details: { retryAfterSeconds: 1 } }));
        } else if (req.url!.includes('/broken')) {
          res.writeHead(502);
          res.end('bad gateway');
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ok: true, url: req.url }));
        }
      });
    }));
  });

  after(() => server.close());

  const last = () => seen[seen.length - 1];

  it('waits out a 429 for as long as Retry-After says, then retries', async () => {
    const c = new RestClient({ server: base, ca });
    try {
      const got = await c.create<{ ok: boolean }>('/api/v1/namespaces/ns/configmaps/throttled', { metadata: { name: 'x' } });
      assert.equal(got.ok, true);
      assert.equal(seen.filter(x => x.url === '/api/v1/namespaces/ns/configmaps/throttled').length, 3);
      assert.equal(last().body, '{"metadata":{"name":"x"}}', 'the body is sent again');
    } finally {
      c.close();
    }
  });

  it('sends the path and query as URL parsing would, with the server prefix', async () => {
    const c = new RestClient({ server: `${base}/prefix`, ca });
    try {
      await c.get('/api/v1/pods', { labelSelector: 'app in (a b),tier!=x', limit: 5, watch: undefined });
      assert.equal(last().url, '/prefix/api/v1/pods?labelSelector=app+in+%28a+b%29%2Ctier%21%3Dx&limit=5');
      await c.get('/api/v1/namespaces/a b/pods/../configmaps');
      assert.equal(last().url, '/prefix/api/v1/namespaces/a%20b/configmaps');
      await c.get('/api/v1/pods?resourceVersion=1', { limit: 2 });
      assert.equal(last().url, '/prefix/api/v1/pods?resourceVersion=1&limit=2');
    } finally {
      c.close();
    }
  });

  it('sends JSON bodies with their headers over one kept-alive connection', async () => {
    const c = new RestClient({ server: base, ca, token: 'abc' }, 'tester');
    try {
      const got = await c.create<{ ok: boolean }>('/api/v1/namespaces/ns/pods', { metadata: { name: 'é' } });
      assert.deepEqual(got, { ok: true, url: '/api/v1/namespaces/ns/pods' });
      const r = last();
      assert.equal(r.method, 'POST');
      assert.equal(r.body, JSON.stringify({ metadata: { name: 'é' } }));
      assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.body)));
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers.host, base.slice('https://'.length));
      assert.equal(r.headers.authorization, 'Bearer abc');
      assert.equal(r.headers['user-agent'], 'tester');
      await c.patch('/api/v1/namespaces/ns/pods/x', { a: 1 }, 'strategic');
      assert.equal(last().headers['content-type'], 'application/strategic-merge-patch+json');
      assert.equal(last().socket, r.socket);
    } finally {
      c.close();
    }
  });

  it('decodes watch events split across chunks, and ends with the stream or stop()', async () => {
    const c = new RestClient({ server: base, ca });
    try {
      const seenEvents: string[] = [];
      await c.watch('/api/v1/pods', {}, e => seenEvents.push(`${e.type} ${e.object.metadata.name}`)).done;
      assert.deepEqual(seenEvents, ['ADDED a', 'DELETED a', 'ADDED b']);

      const held: string[] = [];
      const h = c.watch('/api/v1/pods', { hold: 1 }, e => {
        held.push(e.object.metadata.name!);
        if (held.length === 3) h.stop();
      });
      await h.done;
      assert.deepEqual(held, ['a', 'a', 'b']);

      await assert.rejects(c.watch('/api/v1/pods', { hold: 1 }, () => { throw new Error('handler failed'); }).done, /handler failed/);
    } finally {
      c.close();
    }
  });

  it('turns error responses into StatusErrors', async () => {
    const c = new RestClient({ server: base, ca });
    try {
      await assert.rejects(c.get('/api/v1/missing'), (e: unknown) => e instanceof StatusError && e.code === 404 && e.reason === 'NotFound' && e.message === 'pods "x" not found');
      await assert.rejects(c.get('/api/v1/broken'), (e: unknown) => e instanceof StatusError && e.code === 502 && e.reason === 'InternalError' && e.message === 'bad gateway');
    } finally {
      c.close();
    }
  });
});

describe('RestClient with failover servers', () => {
  let ca: string;
  let leaf: { cert: string; key: string };
  const servers: Server[] = [];

  before(async () => {
    const authority = await createCA('failover-ca');
    ca = authority.cert;
    leaf = await issueCertificate(authority, { commonName: 'server', ipAddresses: ['127.0.0.1'], usage: 'server' });
  });
  after(() => {
    for (const s of servers) s.close();
  });

  /**
   * A server answering every request with its own name (after `delayMs`, /livez at once), or (hung)
   * taking requests and never answering.
   */
  async function serve(name: string, hung = false, delayMs = 0): Promise<{ url: string; requests: string[]; sockets: Set<unknown> }> {
    const requests: string[] = [];
    const sockets = new Set<unknown>();
    const server = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
      requests.push(`${req.method} ${req.url}`);
      sockets.add(req.socket);
      if (req.url!.includes('watch=true')) {
        // A watch gets its headers, then nothing: held until the client goes.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        return;
      }
      if (hung) return;
      req.resume();
      req.on('end', () => setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'ConfigMap', metadata: { name } }));
      }, req.url === '/livez' ? 0 : delayMs));
    });
    servers.push(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, sockets };
  }

  /** A port nothing listens on: connections are refused. */
  async function closedPort(): Promise<string> {
    const s = createServer();
    await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise(resolve => s.close(resolve));
    return `https://127.0.0.1:${port}`;
  }

  it('sends to the next server when the first refuses connections, writes included', async () => {
    const down = await closedPort();
    const up = await serve('up');
    const c = new RestClient({ server: down, failoverServers: [up.url], ca });
    try {
      assert.equal((await c.create<{ metadata: { name: string } }>('/api/v1/namespaces/default/configmaps', { kind: 'ConfigMap' })).metadata.name, 'up');
      assert.equal(c.server, up.url);
      assert.equal((await c.get<{ metadata: { name: string } }>('/api/v1/namespaces/default/configmaps/x')).metadata.name, 'up');
      assert.deepEqual(up.requests, ['POST /api/v1/namespaces/default/configmaps', 'GET /api/v1/namespaces/default/configmaps/x']);
    } finally {
      c.close();
    }
  });

  it('a server that stops answering is left: its watches end, a read is retried elsewhere, a write is not', async () => {
    const hung = await serve('hung', true);
    const up = await serve('up');
    const c = new RestClient({ server: hung.url, failoverServers: [up.url], ca });
    try {
      const watch = c.watch('/api/v1/pods', { resourceVersion: '5' }, () => undefined);
      const watchEnd = watch.done.then(() => 'ended', () => 'broken');
      // Wait until the watch is established on the hung server.
      while (!hung.requests.some(r => r.includes('watch=true'))) await new Promise(r => setTimeout(r, 20));
      const started = Date.now();
      assert.equal((await c.get<{ metadata: { name: string } }>('/api/v1/pods/x')).metadata.name, 'up');
      const took = Date.now() - started;
      assert.ok(took >= STALL_PROBE_MS + PROBE_TIMEOUT_MS - 100 && took < RESPONSE_TIMEOUT_MS,
        `left ${took} ms later: when the probe of the stalled request went unanswered, before the response timeout`);
      assert.ok(hung.requests.includes('GET /livez'), 'the server of the stalled request was probed');
      assert.equal(await watchEnd, 'broken', 'the watch on the old server ends, for its informer to resume elsewhere');

      // Back to the hung server (the list wraps around): a write there is not sent twice.
      const c2 = new RestClient({ server: hung.url, failoverServers: [up.url], ca });
      try {
        await assert.rejects(c2.create('/api/v1/namespaces/default/configmaps', {}), (e: unknown) => e instanceof ServerUnreachableError && e.sent);
        assert.equal(c2.server, up.url, 'the next request goes to the other server');
        assert.ok(!up.requests.some(r => r.startsWith('POST')));
      } finally {
        c2.close();
      }
    } finally {
      c.close();
    }
  });

  it('a slow answer has its server probed on a new connection; a server that answers the probe keeps the request', async () => {
    const slow = await serve('slow', false, STALL_PROBE_MS + 1_000);
    const other = await serve('other');
    const c = new RestClient({ server: slow.url, failoverServers: [other.url], ca });
    const heard: string[] = [];
    c.onFailover(from => heard.push(from));
    try {
      assert.equal((await c.get<{ metadata: { name: string } }>('/api/v1/pods/x')).metadata.name, 'slow');
      assert.deepEqual(slow.requests, ['GET /api/v1/pods/x', 'GET /livez']);
      assert.equal(slow.sockets.size, 2, 'the probe did not wait behind a pooled socket');
      assert.equal(c.server, slow.url);
      assert.deepEqual(heard, []);
      assert.deepEqual(other.requests, []);
    } finally {
      c.close();
    }
  });

  it('clients sharing a server list leave a server together, and tell their onFailover listeners where they went', async () => {
    const down = await closedPort();
    const up = await serve('up');
    const list = new ServerList([down, up.url]);
    const finder = new RestClient({ server: down, failoverServers: [up.url], ca, serverList: list });
    const idle = new RestClient({ server: down, failoverServers: [up.url], ca, serverList: list });
    const alone = new RestClient({ server: down, failoverServers: [up.url], ca });
    const heard: string[] = [];
    finder.onFailover((from, to) => heard.push(`finder ${from} -> ${to}`));
    idle.onFailover((from, to) => heard.push(`idle ${from} -> ${to}`));
    try {
      await finder.get('/api/v1/pods/x');
      assert.deepEqual(heard, [`finder ${down} -> ${up.url}`, `idle ${down} -> ${up.url}`]);
      assert.equal(idle.server, up.url, 'the client that sent nothing moved too');
      assert.equal(alone.server, down, 'a client of another list did not');
      assert.deepEqual(up.requests, ['GET /api/v1/pods/x']);
    } finally {
      finder.close();
      idle.close();
      alone.close();
    }
  });

  it('a quiet watch has its server probed: one that answers keeps it, one gone silent (a dead machine) is left', async () => {
    const hung = await serve('hung', true);
    const up = await serve('up');
    const other = await serve('other');
    const onDead = new RestClient({ server: hung.url, failoverServers: [up.url], ca });
    const onLive = new RestClient({ server: up.url, failoverServers: [other.url], ca });
    try {
      let liveEnded = false;
      const live = onLive.watch('/api/v1/pods', {}, () => undefined);
      live.done.then(() => { liveEnded = true; }, () => { liveEnded = true; });
      const started = Date.now();
      const deadEnd = await onDead.watch('/api/v1/pods', {}, () => undefined).done.then(() => 'ended', () => 'broken');
      const took = Date.now() - started;
      assert.equal(deadEnd, 'broken', 'the watch on the silent server ends, for its informer to resume elsewhere');
      assert.ok(took >= WATCH_IDLE_MS + PROBE_TIMEOUT_MS - 100 && took < WATCH_IDLE_MS * 1.5 + PROBE_TIMEOUT_MS + 1_000, `left ${took} ms after the watch started`);
      assert.equal(onDead.server, up.url);
      assert.ok(hung.requests.includes('GET /livez'), 'the silent server was probed');
      assert.ok(up.requests.includes('GET /livez'), 'the live server was probed');
      assert.equal(liveEnded, false, 'the watch on the server that answers stays');
      assert.equal(onLive.server, up.url);
      live.stop();
    } finally {
      onDead.close();
      onLive.close();
    }
  });
});
