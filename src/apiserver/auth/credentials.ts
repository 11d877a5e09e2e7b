// First-start credentials under the data dir: the cluster CA, the serving certificate, the admin
// client certificate, the service-account signing key, the node join token and the admin kubeconfig. Existing files are reused so a
// restart keeps every client working.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubeconfig } from '../../client/kubeconfig.js';
import { createCA, issueCertificate, type PemPair } from '../../pki/certificates.js';

export interface ClusterCredentials {
  ca: PemPair;
  serving: PemPair;
  admin: PemPair;
  /** The API server's client certificate towards kubelets (logs, exec, port-forward, node proxy). */
  kubeletClient: PemPair;
  /** Shared secret agents present to join (bearer token). */
  joinToken: string;
  /** PEM private key that signs service-account tokens (upstream's --service-account-signing-key-file). */
  serviceAccountKey: string;
}

export interface CredentialOptions {
  dataDir: string;
  /** Extra names and IPs for the serving certificate. */
  dnsNames: string[];
  ipAddresses: string[];
}

export async function ensureCredentials(o: CredentialOptions): Promise<ClusterCredentials> {
  const tls = join(o.dataDir, 'tls');
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreate(tls, 'ca', () => createCA('k8ts-ca'));
  const serving = await loadOrCreate(tls, 'serving', () => issueCertificate(ca, {
    commonName: 'kube-apiserver',
    usage: 'server',
    dnsNames: unique(['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', hostname(), ...o.dnsNames]),
    ipAddresses: unique(['127.0.0.1', '::1', ...o.ipAddresses]),
  }));
  const admin = await loadOrCreate(tls, 'admin', () => issueCertificate(ca, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' }));
  // Upstream's kubeadm names this identity kube-apiserver-kubelet-client, in group system:masters.
  const kubeletClient = await loadOrCreate(tls, 'kubelet-client', () => issueCertificate(ca, {
    commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client',
  }));
  const tokenPath = join(o.dataDir, 'token');
  if (!existsSync(tokenPath)) writeFileSync(tokenPath, `K10${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  const joinToken = readFileSync(tokenPath, 'utf8').trim();
  // Tokens signed with this key stay valid across restarts only because the key is kept.
  const saKeyPath = join(tls, 'service.key');
  if (!existsSync(saKeyPath)) {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    writeFileSync(saKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const serviceAccountKey = readFileSync(saKeyPath, 'utf8');
  return { ca, serving, admin, kubeletClient, joinToken, serviceAccountKey };
}

/** Writes the admin kubeconfig once the server's address (and bound port) is known. */
export function writeAdminKubeconfig(dataDir: string, serverUrl: string, creds: ClusterCredentials): string {
  const path = join(dataDir, 'kubeconfig.yaml');
  writeFileSync(path, kubeconfig(serverUrl, creds.ca.cert, creds.admin), { mode: 0o600 });
  return path;
}

async function loadOrCreate(dir: string, name: string, create: () => Promise<PemPair>): Promise<PemPair> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (existsSync(certPath) && existsSync(keyPath)) return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  const pair = await create();
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  return pair;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.filter(Boolean))];
}
