// Where k8ts keeps its state: /var/lib/k8ts for root, ~/.k8ts otherwise.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}
