// First-start credentials under the data dir: the cluster CA, the serving certificate, the admin
// client certificate, the control-plane components' client certificates (each its own identity),
// the service-account signing key, the node join token (a bootstrap token), the kubeconfigs, and
// the front-proxy CA with the aggregator's client certificate (kubeadm's front-proxy-ca and
// front-proxy-client): a CA of its own, so that a certificate extension API servers trust to assert
// X-Remote-User can never also log in to the cluster as that client, nor the other way round.
// Existing files are reused so a restart keeps every client working.
import { generateKeyPair } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatBootstrapToken, generateBootstrapToken, parseBootstrapToken, type BootstrapToken } from '../../api/bootstrap-token.js';
import { kubeconfig, type ClientConfig } from '../../client/kubeconfig.js';
import { createCA, issueCertificate, type PemPair } from '../../pki/certificates.js';

export interface ClusterCredentials {
  ca: PemPair;
  serving: PemPair;
  admin: PemPair;
  /** The API server's client certificate towards kubelets (logs, exec, port-forward, node proxy). */
  kubeletClient: PemPair;
  /** The bootstrap token agents join with (<data-dir>/token). */
  joinToken: BootstrapToken;
  /** system:kube-scheduler. */
  scheduler: PemPair;
  /** system:kube-controller-manager (its informers and leader election). */
  controllerManager: PemPair;
  /** PEM private key that signs service-account tokens (upstream's --service-account-signing-key-file). */
  serviceAccountKey: string;
  /** Signs the aggregator's proxy client certificate (upstream's --requestheader-client-ca-file). */
  frontProxyCA: PemPair;
  /** The aggregator's client certificate towards extension API servers (--proxy-client-cert-file). */
  frontProxyClient: PemPair;
}

/** The CN of the aggregator's proxy client certificate, the one name requestheader-allowed-names lists (as kubeadm's). */
export const FRONT_PROXY_CLIENT_NAME = 'front-proxy-client';

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
  const scheduler = await loadOrCreate(tls, 'scheduler', () => issueCertificate(ca, { commonName: 'system:kube-scheduler', usage: 'client' }));
  const controllerManager = await loadOrCreate(tls, 'controller-manager', () => issueCertificate(ca, { commonName: 'system:kube-controller-manager', usage: 'client' }));
  const frontProxyCA = await loadOrCreate(tls, 'front-proxy-ca', () => createCA('front-proxy-ca'));
  const frontProxyClient = await loadOrCreate(tls, 'front-proxy-client', () => issueCertificate(frontProxyCA, { commonName: FRONT_PROXY_CLIENT_NAME, usage: 'client' }));
  const joinToken = ensureJoinToken(join(o.dataDir, 'token'));
  // Tokens signed with this key stay valid across restarts only because the key is kept.
  const saKeyPath = join(tls, 'service.key');
  if (!existsSync(saKeyPath)) {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    writeFileSync(saKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const serviceAccountKey = readFileSync(saKeyPath, 'utf8');
  return { ca, serving, admin, kubeletClient, joinToken, scheduler, controllerManager, serviceAccountKey, frontProxyCA, frontProxyClient };
}

/** Writes the admin kubeconfig once the server's address (and bound port) is known. */
export function writeAdminKubeconfig(dataDir: string, serverUrl: string, creds: ClusterCredentials): string {
  const path = join(dataDir, 'kubeconfig.yaml');
  writeFileSync(path, kubeconfig(serverUrl, creds.ca.cert, creds.admin), { mode: 0o600 });
  return path;
}

/**
 * The server's join token: a bootstrap token `<id>.<secret>`, made on first start (a token file
 * of an older format is replaced, since only bootstrap tokens authenticate joining agents now).
 */
function ensureJoinToken(path: string): BootstrapToken {
  const existing = existsSync(path) ? parseBootstrapToken(readFileSync(path, 'utf8').trim()) : undefined;
  if (existing) return existing;
  const token = generateBootstrapToken();
  writeFileSync(path, `${formatBootstrapToken(token)}\n`, { mode: 0o600 });
  return token;
}

/**
 * The kubeconfigs of the control-plane components (k3s's cred/ directory), for running them as
 * their own processes (`k8ts scheduler --kubeconfig ...`); the server's own loops use the same identities.
 */
export function writeComponentKubeconfigs(dataDir: string, serverUrl: string, creds: ClusterCredentials): { scheduler: ClientConfig; controllerManager: ClientConfig } {
  const dir = join(dataDir, 'cred');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'scheduler.kubeconfig'), kubeconfig(serverUrl, creds.ca.cert, creds.scheduler, 'system:kube-scheduler'), { mode: 0o600 });
  writeFileSync(join(dir, 'controller-manager.kubeconfig'), kubeconfig(serverUrl, creds.ca.cert, creds.controllerManager, 'system:kube-controller-manager'), { mode: 0o600 });
  const config = (p: PemPair): ClientConfig => ({ server: serverUrl, ca: creds.ca.cert, cert: p.cert, key: p.key });
  return { scheduler: config(creds.scheduler), controllerManager: config(creds.controllerManager) };
}

/** The certificate and key `<dir>/<name>.crt|.key`, made with `create` the first time. */
export async function loadOrCreate(dir: string, name: string, create: () => Promise<PemPair>): Promise<PemPair> {
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
