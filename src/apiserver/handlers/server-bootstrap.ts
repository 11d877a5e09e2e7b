// `GET /v1-k8ts/server-bootstrap`: what a joining server must share with the others (cluster CA
// and key, service-account key, front-proxy CA, the etcd members to join, the encryption config),
// as k3s's /v1-k3s/server-bootstrap. Only a caller presenting the whole server token (the one in the
// first server's <data-dir>/token; other bootstrap tokens, which agents join with, are refused) gets
// it, and sealed with that token (pki/token-seal.ts). Served before authentication: a joining
// server has no identity yet.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnauthorizedError } from '../../api/errors.js';
import { sealWithToken } from '../../pki/token-seal.js';

export const SERVER_BOOTSTRAP_PATH = '/v1-k8ts/server-bootstrap';

export interface ServerBootstrapSource {
  /** The server token, `<id>.<secret>`. */
  token: string;
  /** The data to hand to a joining server, as JSON. */
  data: () => Promise<unknown>;
}

export async function serveServerBootstrap(req: IncomingMessage, res: ServerResponse, source: ServerBootstrapSource): Promise<void> {
  const presented = Buffer.from(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
  const expected = Buffer.from(source.token);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    throw new UnauthorizedError();
  }
  const sealed = await sealWithToken(source.token, Buffer.from(JSON.stringify(await source.data())));
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
  res.end(sealed);
}
