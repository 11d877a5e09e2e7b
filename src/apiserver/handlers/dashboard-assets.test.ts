import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { DASHBOARD_CSP, DashboardAssets } from './dashboard-assets.js';

/** The budget for what a browser downloads on first load, compressed. */
const FIRST_LOAD_LIMIT = 300 * 1024;

async function withServer(assets: DashboardAssets, fn: (get: (path: string, headers?: Record<string, string>, method?: string) => Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>) => Promise<void>) {
  const server = createServer((req, res) => assets.serve(req, res, new URL(req.url!, 'http://x').pathname));
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    await fn((path, headers = {}, method = 'GET') => new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, headers, method }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject).end();
    }));
  } finally {
    server.close();
  }
}

test('the built dashboard loads in under 300 KB compressed (gzip and brotli)', () => {
  // dist/dashboard is written by `npm run build` and by scripts/test.sh before the tests run.
  const assets = new DashboardAssets();
  const gzip = assets.firstLoadBytes('gzip');
  assert.ok(gzip > 10_000, `the bundle is missing or empty (${gzip} bytes): was the dashboard built?`);
  assert.ok(gzip < FIRST_LOAD_LIMIT, `first load is ${gzip} bytes gzip, over ${FIRST_LOAD_LIMIT}`);
  assert.ok(assets.firstLoadBytes('br') < FIRST_LOAD_LIMIT);
});

test('assets: content types, compression by Accept-Encoding, caching (immutable hashed files, revalidated page), CSP, 304, 404, 405', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
  try {
    const script = 'console.log("x");'.repeat(200);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="app-ABC.js"></script>');
    writeFileSync(join(dir, 'app-ABC.js'), script);
    writeFileSync(join(dir, 'app-ABC.css'), 'body{margin:0}');
    await withServer(new DashboardAssets(dir), async get => {
      const redirect = await get('/dashboard');
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.location, '/dashboard/');

      const page = await get('/dashboard/');
      assert.equal(page.status, 200);
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(page.headers['cache-control'], 'no-cache');
      assert.equal(page.headers['content-security-policy'], DASHBOARD_CSP);
      assert.match(DASHBOARD_CSP, /script-src 'self'(;|$)/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.match(page.body.toString(), /app-ABC\.js/);

      const gz = await get('/dashboard/app-ABC.js', { 'accept-encoding': 'gzip, deflate' });
      assert.equal(gz.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.equal(gz.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(gz.headers.vary, 'Accept-Encoding');
      assert.equal(gunzipSync(gz.body).toString(), script);
      assert.ok(gz.body.length < script.length / 10);

      const br = await get('/dashboard/app-ABC.js', { 'accept-encoding': 'gzip, br' });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(brotliDecompressSync(br.body).toString(), script);

      const plain = await get('/dashboard/app-ABC.css');
      assert.equal(plain.headers['content-type'], 'text/css; charset=utf-8');
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.body.toString(), 'body{margin:0}');

      const again = await get('/dashboard/app-ABC.js', { 'if-none-match': String(gz.headers.etag) });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0);

      assert.equal((await get('/dashboard/nope.js')).status, 404);
      assert.equal((await get('/dashboard/../../etc/passwd')).status, 404);
      assert.equal((await get('/dashboard/app-ABC.js', {}, 'POST')).status, 405);
      const head = await get('/dashboard/app-ABC.js', {}, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(script.length));
    });
    assert.deepEqual(readdirSync(dir).sort(), ['app-ABC.css', 'app-ABC.js', 'index.html']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
