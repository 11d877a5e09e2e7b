// The executor: runs iptables-restore, iptables-save, iptables and conntrack in the network
// namespace of this process (the agent's node), or in the one at `netns` (a path under
// /var/run/netns) when given. Nothing here decides what rules should be; it only applies, reads and
// removes them.
import { runCommand, type CommandResult } from '../util/command.js';
import { isProxyChain, TABLES, type Table } from './rules.js';

export class IptablesError extends Error {}

/** Seconds to wait for the xtables lock (other nodes of one machine share it). */
const LOCK_WAIT = '5';

function run(netns: string | undefined, command: string, args: string[], input?: string): Promise<CommandResult> {
  return runCommand(command, args, { input, netns }).catch(err => { throw new IptablesError((err as Error).message); });
}

/** Applies a restore text in one transaction; chains it does not name are left alone. */
export async function iptablesRestore(text: string, netns?: string): Promise<void> {
  if (!text) return;
  const r = await run(netns, 'iptables-restore', ['--noflush', '-w', LOCK_WAIT], text);
  if (r.code !== 0) throw new IptablesError(`iptables-restore failed (${r.code}): ${r.stderr.trim()}`);
}

async function iptablesSave(table: Table, netns?: string): Promise<string> {
  const r = await run(netns, 'iptables-save', ['-t', table]);
  if (r.code !== 0) throw new IptablesError(`iptables-save -t ${table} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** The names of the chains a table holds, built-in ones included. */
export async function listChains(table: Table, netns?: string): Promise<string[]> {
  return parseChains(await iptablesSave(table, netns));
}

export function parseChains(save: string): string[] {
  return save.split('\n').filter(l => l.startsWith(':')).map(l => l.slice(1).split(' ')[0]);
}

export interface JumpRule { table: Table; chain: string; rule: string[] }

/** Where packets enter kube-proxy's chains, as upstream's iptablesJumpChains. */
export const JUMP_RULES: JumpRule[] = [
  ...(['INPUT', 'FORWARD', 'OUTPUT'] as const).map(chain => ({ table: 'filter' as const, chain, rule: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes load balancer firewall', '-j', 'KUBE-PROXY-FIREWALL'] })),
  { table: 'filter', chain: 'INPUT', rule: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES'] },
  { table: 'filter', chain: 'FORWARD', rule: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES'] },
  { table: 'filter', chain: 'FORWARD', rule: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'] },
  { table: 'filter', chain: 'FORWARD', rule: ['-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', 'KUBE-FORWARD'] },
  { table: 'filter', chain: 'OUTPUT', rule: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'PREROUTING', rule: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'OUTPUT', rule: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'POSTROUTING', rule: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'] },
];

/** Adds each jump rule that is missing (checked first, so restarts never duplicate them). */
export async function ensureJumpRules(netns?: string): Promise<void> {
  for (const j of JUMP_RULES) {
    const check = await run(netns, 'iptables', ['-w', LOCK_WAIT, '-t', j.table, '-C', j.chain, ...j.rule]);
    if (check.code === 0) continue;
    const add = await run(netns, 'iptables', ['-w', LOCK_WAIT, '-t', j.table, '-I', j.chain, '1', ...j.rule]);
    if (add.code !== 0) throw new IptablesError(`cannot add the ${j.table} ${j.chain} jump to ${j.rule.at(-1)}: ${add.stderr.trim()}`);
  }
}

/** kube-proxy's chains in `iptables-save` output, per table (other KUBE-* chains, e.g. NetworkPolicy's, are not ours). */
export function proxyChainsIn(saved: Record<Table, string>): Record<Table, string[]> {
  return { nat: parseChains(saved.nat).filter(c => isProxyChain('nat', c)), filter: parseChains(saved.filter).filter(c => isProxyChain('filter', c)) };
}

/**
 * The restore text that removes kube-proxy's chains of the nat and filter tables and every rule of
 * other chains jumping into one, from `iptables-save` output per table.
 */
export function cleanupText(saved: Record<Table, string>): string {
  const chains = proxyChainsIn(saved);
  const out: string[] = [];
  for (const table of TABLES) {
    const ours = chains[table];
    const jumps = saved[table].split('\n').filter(l => {
      const m = /^-A (\S+) .*-j (\S+)/.exec(l);
      return m !== null && !ours.includes(m[1]) && ours.includes(m[2]);
    });
    if (!ours.length && !jumps.length) continue;
    out.push(`*${table}`, ...jumps.map(l => `-D${l.slice(2)}`), ...ours.map(c => `:${c} - [0:0]`), ...ours.map(c => `-X ${c}`), 'COMMIT');
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/**
 * Removes all of kube-proxy's rules from this network namespace (for node teardown) and returns the
 * chains removed ("nat KUBE-SERVICES", ...). The running proxy's stop() leaves them, so pods keep
 * their Services while an agent restarts.
 */
export async function cleanupProxyRules(netns?: string): Promise<string[]> {
  const saved = { nat: await iptablesSave('nat', netns), filter: await iptablesSave('filter', netns) };
  await iptablesRestore(cleanupText(saved), netns);
  const removed = proxyChainsIn(saved);
  return TABLES.flatMap(t => removed[t].map(c => `${t} ${c}`));
}

/** `conntrack -D ...`; finding nothing to delete is not an error. */
export async function conntrackDelete(args: string[], netns?: string): Promise<void> {
  const r = await run(netns, 'conntrack', ['-D', ...args]);
  if (r.code !== 0 && !/0 flow entries have been deleted/.test(r.stderr)) {
    throw new IptablesError(`conntrack -D ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  }
}
