// Turns a plan into the input of `iptables-restore --noflush` and `ipset restore`, given what the
// node's filter table holds now (from `iptables-save`). Pure, so the exact text is unit-tested.
import { HOOKS, PREFIX, TEMP_SETS } from './names.js';
import type { IpSetSpec, PolicyPlan } from './planner.js';

export interface FilterTable {
  /** Every chain of the table. */
  chains: Set<string>;
  /** Rules per chain, as the arguments after `-A CHAIN`, in order. */
  rules: Map<string, string[]>;
}

export function parseIptablesSave(text: string): FilterTable {
  const table: FilterTable = { chains: new Set(), rules: new Map() };
  for (const line of text.split('\n')) {
    const chain = /^:(\S+) /.exec(line);
    if (chain) table.chains.add(chain[1]);
    const rule = /^-A (\S+) (.*)$/.exec(line);
    if (rule) table.rules.set(rule[1], [...(table.rules.get(rule[1]) ?? []), rule[2]]);
  }
  return table;
}

const jumpsTo = (spec: string, chain: string) => new RegExp(`(^| )-j ${chain}( |$)`).test(spec);

/**
 * One batch: our chains declared (which flushes them) and refilled, our hooks made the first rule of
 * FORWARD and INPUT (kube-proxy's chains there accept some traffic, which must not skip policy),
 * and chains of ours that the plan no longer has deleted.
 */
export function renderFilterRestore(plan: PolicyPlan, now: FilterTable): string {
  const stale = [...now.chains].filter(c => c.startsWith(PREFIX) && !plan.chains.has(c)).sort();
  const lines = ['*filter'];
  for (const chain of [...plan.chains.keys(), ...stale]) lines.push(`:${chain} - [0:0]`);
  for (const hook of HOOKS) {
    if (hookInPlace(now, hook)) continue;
    for (const spec of (now.rules.get(hook.from) ?? []).filter(r => jumpsTo(r, hook.to))) lines.push(`-D ${hook.from} ${spec}`);
    lines.push(`-I ${hook.from} 1 -m comment --comment "${hook.comment}" -j ${hook.to}`);
  }
  for (const [chain, rules] of plan.chains) for (const rule of rules) lines.push(`-A ${chain} ${rule}`);
  for (const chain of stale) lines.push(`-X ${chain}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Our jump is the one and only jump to our chain, and the first rule of the built-in chain. */
function hookInPlace(now: FilterTable, hook: (typeof HOOKS)[number]): boolean {
  const rules = now.rules.get(hook.from) ?? [];
  return rules.length > 0 && jumpsTo(rules[0], hook.to) && rules.filter(r => jumpsTo(r, hook.to)).length === 1;
}

/** Whether someone else moved or removed our hooks or chains since we applied them. */
export function needsRepair(now: FilterTable, chains: Iterable<string>): boolean {
  return HOOKS.some(h => !hookInPlace(now, h)) || [...chains].some(c => !now.chains.has(c));
}

/**
 * Sets (re)filled without a moment of being empty: each is built in a temporary set of its type and
 * swapped in, so a connection opened meanwhile meets either the old or the new contents.
 */
export function renderIpsetRestore(sets: IpSetSpec[]): string {
  const lines: string[] = [];
  for (const set of sets) {
    const temp = TEMP_SETS[set.type];
    lines.push(`create ${set.name} ${set.type} family inet -exist`);
    lines.push(`create ${temp} ${set.type} family inet -exist`, `flush ${temp}`);
    for (const entry of set.entries) lines.push(`add ${temp} ${entry}`);
    lines.push(`swap ${temp} ${set.name}`, `destroy ${temp}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Sets of ours (by prefix) that the plan no longer has. */
export function staleSets(existing: string[], plan: PolicyPlan): string[] {
  const wanted = new Set(plan.sets.map(s => s.name));
  return existing.filter(name => name.startsWith(PREFIX) && !wanted.has(name)).sort();
}
