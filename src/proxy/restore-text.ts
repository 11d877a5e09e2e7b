// The iptables-restore input for one sync (applied with --noflush, so chains not named are left
// as they are). A chain is written whole — declared (which empties it) then its rules — when it is
// new or differs from what the last sync applied; chains that should no longer exist are declared
// and deleted. A full sync (no previous set) writes every chain and deletes every leftover chain of
// ours the kernel holds, which is how a restarted proxy takes over the rules it finds.
import { isProxyChain, TABLES, type RuleSet, type Table, type TableRules } from './rules.js';

export interface RestorePlan {
  /** Empty when nothing changed. */
  text: string;
  /** Chains written, per table (for logs and tests). */
  written: Record<Table, string[]>;
  deleted: Record<Table, string[]>;
}

/**
 * @param prev what the last successful sync applied; undefined for a full sync
 * @param present the chains the kernel holds now (read for a full sync; otherwise unused)
 */
export function restorePlan(next: RuleSet, prev: RuleSet | undefined, present?: Record<Table, Iterable<string>>): RestorePlan {
  const out: string[] = [];
  const written = { nat: [] as string[], filter: [] as string[] };
  const deleted = { nat: [] as string[], filter: [] as string[] };
  for (const table of TABLES) {
    const want: TableRules = next[table];
    const had: Iterable<string> = prev ? prev[table].keys() : present?.[table] ?? [];
    const changed = [...want.keys()].filter(c => !prev || !sameRules(prev[table].get(c), want.get(c)!));
    const stale = [...new Set(had)].filter(c => !want.has(c) && isProxyChain(table, c));
    if (!changed.length && !stale.length) continue;
    out.push(`*${table}`);
    for (const c of [...changed, ...stale]) out.push(`:${c} - [0:0]`);
    for (const c of changed) for (const rule of want.get(c)!) out.push(rule);
    for (const c of stale) out.push(`-X ${c}`);
    out.push('COMMIT');
    written[table] = changed;
    deleted[table] = stale;
  }
  return { text: out.length ? out.join('\n') + '\n' : '', written, deleted };
}

function sameRules(a: string[] | undefined, b: string[]): boolean {
  if (a === b) return true;
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
