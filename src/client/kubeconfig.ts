// Reads a kubeconfig (current context): server URL, CA, and client certificate or bearer token;
// and writes the one-user kubeconfigs the server and the agent hand out.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { PemPair } from '../pki/certificates.js';
import type { ServerList } from './server-discovery.js';

export interface ClientConfig {
  server: string;
  /**
   * Other API servers of the same cluster (same CA, same credentials). With them the client fails
   * over on its own: a server it cannot connect to, or that does not answer, is left for the next.
   */
  failoverServers?: string[];
  /** Servers learned while running (client/server-discovery.ts), shared by the clients of one process. */
  serverList?: ServerList;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTLSVerify?: boolean;
}

export class KubeconfigError extends Error {}

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }

export function loadKubeconfig(path: string, contextName?: string): ClientConfig {
  let doc: Record<string, any>;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(err as Error).message}`);
  }
  const base = dirname(path);
  const ctxName = contextName ?? doc['current-context'];
  const ctx = (doc.contexts as Named<Record<string, string>>[] | undefined)?.find(c => c.name === ctxName)?.context;
  if (!ctx) throw new KubeconfigError(`kubeconfig ${path} has no context "${ctxName}"`);
  const cluster = (doc.clusters as Named<Record<string, any>>[] | undefined)?.find(c => c.name === ctx.cluster)?.cluster;
  if (!cluster?.server) throw new KubeconfigError(`kubeconfig ${path}: cluster "${ctx.cluster}" has no server`);
  const user = (doc.users as Named<Record<string, string>>[] | undefined)?.find(u => u.name === ctx.user)?.user ?? {};
  const file = (p: string) => readFileSync(isAbsolute(p) ? p : join(base, p), 'utf8');
  const data = (inline?: string, filePath?: string) => inline ? Buffer.from(inline, 'base64').toString('utf8') : filePath ? file(filePath) : undefined;
  return {
    server: String(cluster.server).replace(/\/$/, ''),
    ca: data(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: data(user['client-certificate-data'], user['client-certificate']),
    key: data(user['client-key-data'], user['client-key']),
    token: user.token ?? (user.tokenFile ? file(user.tokenFile).trim() : undefined),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** A kubeconfig for one user, authenticated by a client certificate or a bearer token. */
export function kubeconfig(serverUrl: string, caPem: string, client: PemPair | { token: string }, user = 'admin'): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const credentials = 'token' in client
    ? [`    token: ${client.token}`]
    : [`    client-certificate-data: ${b64(client.cert)}`, `    client-key-data: ${b64(client.key)}`];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: k8ts',
    '  cluster:',
    `    server: ${serverUrl}`,
    `    certificate-authority-data: ${b64(caPem)}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    ...credentials,
    'contexts:',
    '- name: k8ts',
    '  context:',
    '    cluster: k8ts',
    `    user: ${user}`,
    'current-context: k8ts',
    '',
  ].join('\n');
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A pod's own credentials, as client-go's rest.InClusterConfig finds them: the API server from
 * KUBERNETES_SERVICE_HOST/PORT, the mounted service-account token and CA. The token is read once;
 * a long-running client outliving its token's hour should reload it.
 */
export function inClusterConfig(): ClientConfig {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new KubeconfigError('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  const read = (name: string) => {
    try {
      return readFileSync(join(SERVICE_ACCOUNT_DIR, name), 'utf8');
    } catch (err) {
      throw new KubeconfigError(`cannot read ${join(SERVICE_ACCOUNT_DIR, name)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, ca: read('ca.crt'), token: read('token').trim() };
}
