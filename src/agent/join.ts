// Joining a cluster with its token: fetch the cluster CA from the server's /cacerts and accept it
// only with a valid proof that the server knows the token (pki/ca-proof.ts) — the token itself is
// sent only once the CA is trusted. The CA is then pinned in the agent's data dir (later starts use
// it and never fetch again) and the agent's kubeconfig authenticates with the token.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { kubeconfig, type ClientConfig } from '../client/kubeconfig.js';
import { CACERTS_PATH, CA_PROOF_HEADER, isValidCaProof, newNonce } from '../pki/ca-proof.js';

export class JoinError extends Error {
  /** True when trying again later may help (server unreachable or not answering yet). */
  constructor(message: string, readonly retriable: boolean) {
    super(message);
  }
}

export interface JoinOptions {
  serverUrl: string;
  token: string;
  /** The agent's own directory: server-ca.crt and kubeconfig.yaml go here. */
  agentDir: string;
  timeoutMs?: number;
}

export interface Joined {
  client: ClientConfig;
  kubeconfigPath: string;
}

export async function joinCluster(o: JoinOptions): Promise<Joined> {
  mkdirSync(o.agentDir, { recursive: true, mode: 0o700 });
  const caPath = join(o.agentDir, 'server-ca.crt');
  const ca = existsSync(caPath) ? readFileSync(caPath, 'utf8') : await fetchClusterCA(o.serverUrl, o.token, o.timeoutMs ?? 10_000);
  if (!existsSync(caPath)) writeFileSync(caPath, ca, { mode: 0o644 });
  const kubeconfigPath = join(o.agentDir, 'kubeconfig.yaml');
  writeFileSync(kubeconfigPath, kubeconfig(o.serverUrl, ca, { token: o.token }, 'k8ts-agent'), { mode: 0o600 });
  return { client: { server: o.serverUrl.replace(/\/$/, ''), ca, token: o.token }, kubeconfigPath };
}

/** GET /cacerts over TLS we cannot verify yet; the HMAC proof is what makes the answer trustworthy. */
export function fetchClusterCA(serverUrl: string, token: string, timeoutMs: number): Promise<string> {
  const nonce = newNonce();
  const url = new URL(CACERTS_PATH, serverUrl);
  url.searchParams.set('nonce', nonce);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', rejectUnauthorized: false, timeout: timeoutMs }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new JoinError(`${url.origin}${CACERTS_PATH} answered ${res.statusCode}: ${body.slice(0, 200)}`, (res.statusCode ?? 0) >= 500));
        const proof = String(res.headers[CA_PROOF_HEADER] ?? '');
        if (!isValidCaProof(token, nonce, body, proof)) {
          return reject(new JoinError(`the CA served by ${url.origin} does not match the join token (wrong token, or not the cluster's server)`, false));
        }
        try {
          if (!new X509Certificate(body).ca) return reject(new JoinError(`${url.origin} served a certificate that is not a CA`, false));
        } catch (err) {
          return reject(new JoinError(`${url.origin} served no valid certificate: ${(err as Error).message}`, false));
        }
        resolve(body);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new JoinError(`no answer from ${url.origin} within ${timeoutMs} ms`, true)));
    req.on('error', err => reject(err instanceof JoinError ? err : new JoinError(`cannot reach ${url.origin}: ${err.message}`, true)));
    req.end();
  });
}
