// Removing a family of iptables chains (e.g. CNI's portmap `CNI-*` chains) from this network
// namespace: the jumps to them from other chains, then the chains themselves, in one
// `iptables-restore --noflush` per run so that no half-removed state is ever visible.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

export class IptablesError extends Error {}

/** The restore input that removes every chain named `<prefix>...` in each table of `save`. */
export function chainRemovalScript(save: string, prefix: string): { script: string; chains: string[] } {
  const out: string[] = [];
  const chains: string[] = [];
  let table = '';
  let ours: string[] = [];
  let jumps: string[] = [];
  const flush = () => {
    if (!table || ours.length === 0) return;
    out.push(`*${table}`, ...jumps, ...ours.map(c => `-F ${c}`), ...ours.map(c => `-X ${c}`), 'COMMIT');
    chains.push(...ours.map(c => `${table}/${c}`));
  };
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      ours = [];
      jumps = [];
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0];
      if (name.startsWith(prefix)) ours.push(name);
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1];
      const target = / -[jg] (\S+)/.exec(line)?.[1];
      if (!chain.startsWith(prefix) && target?.startsWith(prefix)) jumps.push(`-D ${line.slice(3)}`);
    } else if (line.trim() === 'COMMIT') {
      flush();
      table = '';
    }
  }
  return { script: out.length ? out.join('\n') + '\n' : '', chains };
}

/** Removes every iptables chain whose name starts with `prefix`; returns them as `table/chain`. */
export async function removeChains(prefix: string): Promise<string[]> {
  let save: string;
  try {
    save = (await promisify(execFile)('iptables-save', [], { maxBuffer: 64 << 20 })).stdout;
  } catch (err) {
    throw new IptablesError(`iptables-save: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
  const { script, chains } = chainRemovalScript(save, prefix);
  if (!script) return [];
  await new Promise<void>((resolve, reject) => {
    const p = spawn('iptables-restore', ['--noflush'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', d => (stderr += d));
    p.on('error', err => reject(new IptablesError(`cannot run iptables-restore: ${err.message}`)));
    p.on('close', code => (code === 0 ? resolve() : reject(new IptablesError(`iptables-restore: ${stderr.trim() || `exit ${code}`}`))));
    p.stdin.end(script);
  });
  return chains;
}
