// The commands that read and change this network namespace's filter table and ipsets. The agent
// process runs inside its node's namespace, so so do these.
import { spawn } from 'node:child_process';
import { parseIptablesSave, type FilterTable } from './render.js';

export class NetfilterCommandError extends Error {}

/** Runs a command with optional stdin; resolves with stdout, rejects with its stderr. */
function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', d => (stdout += d));
    p.stderr.on('data', d => (stderr += d));
    p.on('error', err => reject(new NetfilterCommandError(`cannot run ${command}: ${err.message}`)));
    p.on('close', code => {
      if (code === 0) resolve(stdout);
      else reject(new NetfilterCommandError(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim()}`));
    });
    p.stdin.on('error', () => undefined); // a command that fails early closes its stdin; 'close' reports why
    p.stdin.end(input ?? '');
  });
}

export async function readFilterTable(): Promise<FilterTable> {
  return parseIptablesSave(await run('iptables-save', ['-t', 'filter']));
}

/** Applies a restore batch to the filter table, leaving chains it does not name alone. */
export async function restoreFilter(text: string): Promise<void> {
  await run('iptables-restore', ['-w', '5', '--noflush'], text);
}

export async function listSets(): Promise<string[]> {
  return (await run('ipset', ['list', '-n'])).split('\n').map(s => s.trim()).filter(Boolean);
}

export async function restoreSets(text: string): Promise<void> {
  if (text) await run('ipset', ['restore'], text);
}

/** Destroys sets one by one, so one still referenced does not keep the others; returns the failures. */
export async function destroySets(names: string[]): Promise<string[]> {
  const failed: string[] = [];
  for (const name of names) {
    try {
      await run('ipset', ['destroy', name]);
    } catch (err) {
      failed.push((err as Error).message);
    }
  }
  return failed;
}
