// `k8ts server --server https://FIRST:6443 --token TOKEN`: a server joining a running one, as k3s's
// joining servers. The cluster CA is checked against the token as agents check it (agent/join.ts);
// then the server bootstrap data (apiserver/handlers/server-bootstrap.ts) is fetched with the whole
// server token over TLS verified with that CA, opened with the token, and written into this
// server's data dir, so it signs and verifies with the same keys as the others.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatBootstrapToken, type BootstrapToken } from '../api/bootstrap-token.js';
import { fetchClusterCA, joinGet, JoinError } from '../agent/join.js';
import { SERVER_BOOTSTRAP_PATH } from '../apiserver/handlers/server-bootstrap.js';
import { openWithToken, SealError } from '../pki/token-seal.js';

/** What every server of a cluster shares. */
export interface ServerBootstrapData {
  /** Files by their path under the data dir (tls/ca.key, token, ...). */
  files: Record<string, string>;
  /** Client URLs of the cluster's voting etcd members; empty when its state is not in an embedded etcd. */
  etcdClientUrls: string[];
  /** The EncryptionConfiguration the servers encrypt at rest with, when one is set. */
  encryptionConfig?: string;
}

/** The data-dir files a joining server receives: CAs with their keys, the service-account key, the token. */
export const SHARED_FILES = ['tls/ca.crt', 'tls/ca.key', 'tls/front-proxy-ca.crt', 'tls/front-proxy-ca.key', 'tls/service.key', 'token'];

/** Where a joining server keeps the encryption config it received. */
export function receivedEncryptionConfigPath(dataDir: string): string {
  return join(dataDir, 'cred', 'encryption-config.yaml');
}

export async function fetchServerBootstrap(serverUrl: string, token: BootstrapToken, timeoutMs = 10_000): Promise<ServerBootstrapData> {
  const ca = await fetchClusterCA(serverUrl, token, timeoutMs);
  const tokenText = formatBootstrapToken(token);
  const url = new URL(SERVER_BOOTSTRAP_PATH, serverUrl);
  const { status, body: sealed } = await joinGet(url, { ca, headers: { authorization: `Bearer ${tokenText}` } }, timeoutMs);
  if (status === 401) throw new JoinError(`${url.origin} refused token ${token.id} for joining as a server: only the server token (the first server's <data-dir>/token) may join servers`, false);
  if (status !== 200) throw new JoinError(`${url.origin}${SERVER_BOOTSTRAP_PATH} answered ${status}: ${sealed.slice(0, 200)}`, status >= 500);
  try {
    return JSON.parse((await openWithToken(tokenText, sealed)).toString('utf8')) as ServerBootstrapData;
  } catch (err) {
    if (err instanceof SealError) throw new JoinError(`the server bootstrap data from ${url.origin} ${err.message}`, false);
    throw err;
  }
}

/**
 * Writes the shared files into the data dir. A data dir that already holds a different CA or key
 * belongs to another cluster: it is refused rather than overwritten.
 */
export function writeServerBootstrap(dataDir: string, data: ServerBootstrapData): void {
  for (const path of SHARED_FILES) {
    const content = data.files[path];
    if (content === undefined) throw new JoinError(`the server bootstrap data lacks ${path}`, false);
    const target = join(dataDir, path);
    if (existsSync(target)) {
      if (readFileSync(target, 'utf8') !== content) throw new JoinError(`${target} differs from the cluster's: the data dir belongs to another cluster`, false);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, content, { mode: 0o600 });
  }
  if (data.encryptionConfig !== undefined) {
    const target = receivedEncryptionConfigPath(dataDir);
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, data.encryptionConfig, { mode: 0o600 });
  }
}

/** The shared files of this server's data dir, for a joining server. */
export function readSharedFiles(dataDir: string): Record<string, string> {
  return Object.fromEntries(SHARED_FILES.map(path => [path, readFileSync(join(dataDir, path), 'utf8')]));
}
