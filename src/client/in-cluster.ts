// The client configuration of a process running in a pod (client-go's rest.InClusterConfig): the
// API server from KUBERNETES_SERVICE_HOST/PORT, the CA and the service account token the kubelet
// mounts at /var/run/secrets/kubernetes.io/serviceaccount. Projected tokens are rotated by the
// kubelet, so the token is re-read from its file periodically (client-go re-reads it too).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from './kubeconfig.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_REREAD_MS = 60_000;

export class InClusterConfigError extends Error {}

export interface InClusterConfig {
  config: ClientConfig;
  /** The pod's namespace (the mounted `namespace` file). */
  namespace: string;
  /** Stops re-reading the token. */
  stop(): void;
}

export function inClusterConfig(dir = SERVICE_ACCOUNT_DIR, env: NodeJS.ProcessEnv = process.env): InClusterConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new InClusterConfigError('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      throw new InClusterConfigError(`unable to load in-cluster configuration: ${(err as Error).message}`);
    }
  };
  const config: ClientConfig = { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, ca: read('ca.crt'), token: read('token').trim() };
  const timer = setInterval(() => {
    try {
      config.token = read('token').trim();
    } catch {
      // Keep the last token: a rotation in progress replaces the file's symlink atomically.
    }
  }, TOKEN_REREAD_MS);
  timer.unref();
  return { config, namespace: read('namespace').trim(), stop: () => clearInterval(timer) };
}
