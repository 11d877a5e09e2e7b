// Where k8ts keeps its state: /var/lib/k8ts for root, ~/.k8ts otherwise.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}

/** The kubeconfig a client command uses: its --kubeconfig, else $KUBECONFIG, else the local cluster's admin kubeconfig. */
export function clientKubeconfig(flag: unknown): string {
  return String(flag ?? process.env.KUBECONFIG ?? join(process.env.K8TS_DATA_DIR ?? defaultDataDir(), 'kubeconfig.yaml'));
}
