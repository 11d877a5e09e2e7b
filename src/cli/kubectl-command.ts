// `k8ts kubectl ...`: the real kubectl, pointed at this cluster's admin kubeconfig.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir } from './data-dir.js';
import { StartupError } from './server-command.js';

export function runKubectl(args: string[]): Promise<number> {
  const kubeconfig = process.env.KUBECONFIG ?? join(process.env.K8TS_DATA_DIR ?? defaultDataDir(), 'kubeconfig.yaml');
  if (!process.env.KUBECONFIG && !existsSync(kubeconfig)) {
    throw new StartupError(`no kubeconfig at ${kubeconfig}: start the cluster with 'k8ts server' first`);
  }
  const kubectl = process.env.K8TS_KUBECTL ?? 'kubectl';
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, args, { stdio: 'inherit', env: { ...process.env, KUBECONFIG: kubeconfig } });
    child.on('error', err => reject(new StartupError(`cannot run ${kubectl}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
