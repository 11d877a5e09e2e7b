// The dashboard's static files (the bundle esbuild writes to dist/dashboard at build time), served
// at /dashboard/ without authentication: they hold no cluster data, and the page they make asks
// for the user's token and sends it with every API call, so RBAC decides what the user sees.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export const DASHBOARD_PATH = '/dashboard/';

/**
 * Scripts only from our own origin, nothing inline or evaluated, no framing, no plugins. Styles
 * allow 'unsafe-inline' because xterm.js's renderer writes its theme into a <style> element it creates.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "connect-src 'self'",
  "img-src 'self' data:", "font-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

interface Asset {
  type: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  /** index.html is revalidated each time; the other files have a content hash in their name. */
  immutable: boolean;
}

export class DashboardAssets {
  private readonly assets = new Map<string, Asset>();

  /** Reads and compresses every file once; a missing directory (no build yet) serves 404s. */
  constructor(dir = fileURLToPath(new URL('../../../dashboard/', import.meta.url))) {
    let names: string[] = [];
    try { names = readdirSync(dir); } catch { /* not built */ }
    for (const name of names) {
      const type = CONTENT_TYPES[extname(name)];
      if (!type) continue;
      const identity = readFileSync(join(dir, name));
      this.assets.set(name, {
        type,
        etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
        identity,
        gzip: gzipSync(identity, { level: 9 }),
        br: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
        immutable: name !== 'index.html',
      });
    }
  }

  /** The bytes a browser loads first (the page and what it references), compressed as sent with `encoding`. */
  firstLoadBytes(encoding: 'gzip' | 'br'): number {
    let total = 0;
    for (const a of this.assets.values()) if (a.type !== CONTENT_TYPES['.json']) total += a[encoding].length;
    return total;
  }

  serve(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (path === '/dashboard') {
      res.writeHead(301, { Location: DASHBOARD_PATH });
      res.end();
      return;
    }
    const name = path.startsWith(DASHBOARD_PATH) ? path.slice(DASHBOARD_PATH.length) || 'index.html' : '';
    // Client-side routes (#/...) never reach us; any other unknown name is a 404.
    const asset = this.assets.get(name);
    const headers: Record<string, string> = {
      'Content-Security-Policy': DASHBOARD_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    };
    if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(asset ? 405 : 404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(asset ? 'method not allowed' : 'not found');
      return;
    }
    headers['Content-Type'] = asset.type;
    headers['Cache-Control'] = asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache';
    headers.ETag = asset.etag;
    headers.Vary = 'Accept-Encoding';
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const accepted = String(req.headers['accept-encoding'] ?? '');
    let body = asset.identity;
    if (/\bbr\b/.test(accepted)) { body = asset.br; headers['Content-Encoding'] = 'br'; }
    else if (/\bgzip\b/.test(accepted)) { body = asset.gzip; headers['Content-Encoding'] = 'gzip'; }
    headers['Content-Length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
