// Joining a cluster with a bootstrap token (`<id>.<secret>`): fetch the cluster CA from the
// server's /cacerts and accept it only with a valid proof that the server knows the token
// (pki/ca-proof.ts; the token's secret is never sent before the CA is trusted). The CA is then
// pinned in the agent's data dir (later starts use it and never fetch again). With the token the
// agent asks for its node certificate (system:node:<name>) through a CSR, and as the node for its
// other identities (identities.ts); the certificates are kept and reused on later starts, so the
// token is needed only until the first join succeeds.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { formatBootstrapToken, type BootstrapToken } from '../api/bootstrap-token.js';
import { StatusError } from '../api/errors.js';
import { CertificateRequestError } from '../client/certificate-request.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { CACERTS_PATH, CA_PROOF_HEADER, isValidCaProof, newNonce } from '../pki/ca-proof.js';
import { CertificateStore, ensureClientIdentities, requestIdentity, type NodeClients } from './identities.js';

export class JoinError extends Error {
  /** True when trying again later may help (server unreachable or not answering yet). */
  constructor(message: string, readonly retriable: boolean) {
    super(message);
  }
}

export interface JoinOptions {
  serverUrl: string;
  /** The cluster's other servers: the agent's clients fail over to them (client/rest-client.ts). */
  failoverServers?: string[];
  token: BootstrapToken;
  nodeName: string;
  /** The agent's own directory: server-ca.crt and the certificates go here. */
  agentDir: string;
  timeoutMs?: number;
}

export async function joinCluster(o: JoinOptions): Promise<NodeClients> {
  mkdirSync(o.agentDir, { recursive: true, mode: 0o700 });
  const caPath = join(o.agentDir, 'server-ca.crt');
  const ca = existsSync(caPath) ? readFileSync(caPath, 'utf8') : await fetchClusterCA(o.serverUrl, o.token, o.timeoutMs ?? 10_000);
  if (!existsSync(caPath)) writeFileSync(caPath, ca, { mode: 0o644 });
  const server = o.serverUrl.replace(/\/$/, '');
  try {
    return await ensureClientIdentities(new CertificateStore(o.agentDir), o.nodeName, { url: server, ca, failoverServers: o.failoverServers }, async (identity, kubelet) => {
      const config: ClientConfig = kubelet ?? { server, ca, token: formatBootstrapToken(o.token) };
      const client = new RestClient(config, `k8ts-agent/${o.nodeName}`);
      try {
        return await requestIdentity(client, identity, o.nodeName);
      } finally {
        client.close();
      }
    });
  } catch (err) {
    if (err instanceof CertificateRequestError) throw new JoinError(err.message, err.retriable);
    if (err instanceof StatusError && err.code === 401) throw new JoinError(`the server refused the join token ${o.token.id} (expired or deleted?)`, false);
    throw err;
  }
}

/** GET /cacerts over TLS we cannot verify yet; the HMAC proof is what makes the answer trustworthy. */
export async function fetchClusterCA(serverUrl: string, token: BootstrapToken, timeoutMs: number): Promise<string> {
  const nonce = newNonce();
  const url = new URL(CACERTS_PATH, serverUrl);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('id', token.id);
  const { status, headers, body } = await joinGet(url, { rejectUnauthorized: false }, timeoutMs);
  // 404: the server knows no live token by that id (mistyped, expired or deleted).
  if (status !== 200) throw new JoinError(`${url.origin}${CACERTS_PATH} answered ${status}: ${body.slice(0, 200)}`, status >= 500);
  const proof = String(headers[CA_PROOF_HEADER] ?? '');
  if (!isValidCaProof(formatBootstrapToken(token), nonce, body, proof)) {
    throw new JoinError(`the CA served by ${url.origin} does not match the join token (wrong token, or not the cluster's server)`, false);
  }
  let isCA: boolean;
  try {
    isCA = new X509Certificate(body).ca;
  } catch (err) {
    throw new JoinError(`${url.origin} served no valid certificate: ${(err as Error).message}`, false);
  }
  if (!isCA) throw new JoinError(`${url.origin} served a certificate that is not a CA`, false);
  return body;
}

/**
 * A GET of the join (the CA, a server's bootstrap data): the answer's status, headers and body.
 * No connection, or no answer within `timeoutMs`, is a JoinError worth retrying.
 */
export function joinGet(url: URL, options: RequestOptions, timeoutMs: number): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, method: 'GET', timeout: timeoutMs }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new JoinError(`no answer from ${url.origin} within ${timeoutMs} ms`, true)));
    req.on('error', err => reject(err instanceof JoinError ? err : new JoinError(`cannot reach ${url.origin}: ${err.message}`, true)));
    req.end();
  });
}
