// The commands that read and change this network namespace's filter table and ipsets. The agent
// process runs inside its node's namespace, so so do these.
import { runCommand } from '../util/command.js';
import { parseIptablesSave, type FilterTable } from './render.js';

export class NetfilterCommandError extends Error {}

/** Runs a command with optional stdin; resolves with stdout, rejects with its stderr. */
async function run(command: string, args: string[], input?: string): Promise<string> {
  const r = await runCommand(command, args, { input }).catch(err => { throw new NetfilterCommandError((err as Error).message); });
  if (r.code !== 0) throw new NetfilterCommandError(`${command} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
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
