// The `nft -f` input for one sync, applied as one atomic transaction. A partial sync (the last
// applied rule set known) rewrites only the chains that changed and adds or deletes only the map and
// set elements that changed. A full sync declares everything, rewrites every chain, refills every
// map and set, and removes what the kernel holds that is no longer wanted — which is how a
// restarted proxy takes over the table it finds. ClientIP affinity sets are never flushed: they
// hold the clients' endpoint choices.
//
// Statement order keeps every reference valid: sets and chains are declared first, then chains
// are filled, then map elements (which jump to chains) change, then chains no longer wanted are
// emptied and deleted, and last their affinity sets.
import { FIXED_CHAINS, MAPS, SETS, TABLE, type ChainRules, type MapName, type NftRuleSet, type SetName } from './ruleset.js';

/** What the kernel's table holds, read for a full sync (undefined when the table does not exist). */
export interface PresentTable {
  chains: Set<string>;
  sets: Set<string>;
}

export interface NftPlan {
  /** The transaction; empty when nothing changed. */
  script: string;
  chainsWritten: number;
  chainsDeleted: number;
}

const T = `ip ${TABLE}`;
const FIXED = new Set(FIXED_CHAINS.map(([name]) => name));

export function nftPlan(next: NftRuleSet, prev: NftRuleSet | undefined, present?: PresentTable): NftPlan {
  const out: string[] = [];
  const full = !prev;
  if (full) {
    out.push(`add table ${T}`);
    for (const [name, type] of Object.entries(MAPS)) out.push(`add map ${T} ${name} { type ${type}; }`, `flush map ${T} ${name}`);
    for (const [name, type] of Object.entries(SETS)) out.push(`add set ${T} ${name} { type ${type}; }`, `flush set ${T} ${name}`);
  }
  const oldSets = prev ? prev.affinitySets : new Map([...present?.sets ?? []].filter(s => !(s in SETS) && !(s in MAPS)).map(s => [s, 0]));
  for (const [set, timeout] of next.affinitySets) {
    if (!prev?.affinitySets.has(set)) out.push(`add set ${T} ${set} { type ipv4_addr; flags dynamic,timeout; timeout ${timeout}s; }`);
  }

  const write = [...next.chains.keys()].filter(c => full || !sameRules(prev.chains.get(c), next.chains.get(c)!));
  const had = prev ? prev.chains.keys() : [...present?.chains ?? []].filter(c => !FIXED.has(c));
  const remove = [...had].filter(c => !next.chains.has(c));
  if (full) for (const [name, hook] of FIXED_CHAINS) out.push(`add chain ${T} ${name}${hook ? ` { ${hook} }` : ''}`);
  for (const c of write) out.push(`add chain ${T} ${c}`);
  if (full) for (const [name, , rules] of FIXED_CHAINS) fill(out, name, rules);
  for (const c of write) fill(out, c, next.chains.get(c)!);

  for (const map of Object.keys(MAPS) as MapName[]) {
    const want = next.maps.get(map)!;
    const had = prev?.maps.get(map) ?? new Map<string, string>();
    const gone = [...had.keys()].filter(k => want.get(k) !== had.get(k));
    const added = [...want].filter(([k, v]) => had.get(k) !== v);
    if (gone.length) out.push(`delete element ${T} ${map} { ${gone.join(', ')} }`);
    if (added.length) out.push(`add element ${T} ${map} { ${added.map(([k, v]) => `${k} : ${v}`).join(', ')} }`);
  }
  for (const set of Object.keys(SETS) as SetName[]) {
    const want = next.sets.get(set)!;
    const had = prev?.sets.get(set) ?? new Set<string>();
    const gone = [...had].filter(e => !want.has(e));
    const added = [...want].filter(e => !had.has(e));
    if (gone.length) out.push(`delete element ${T} ${set} { ${gone.join(', ')} }`);
    if (added.length) out.push(`add element ${T} ${set} { ${added.join(', ')} }`);
  }

  for (const c of remove) out.push(`flush chain ${T} ${c}`);
  for (const c of remove) out.push(`delete chain ${T} ${c}`);
  for (const set of oldSets.keys()) if (!next.affinitySets.has(set)) out.push(`delete set ${T} ${set}`);
  const changed = full || out.length > 0;
  return { script: changed ? out.join('\n') + '\n' : '', chainsWritten: write.length, chainsDeleted: remove.length };
}

function fill(out: string[], chain: string, rules: ChainRules): void {
  out.push(`flush chain ${T} ${chain}`);
  for (const rule of rules) out.push(`add rule ${T} ${chain} ${rule}`);
}

function sameRules(a: ChainRules | undefined, b: ChainRules): boolean {
  if (a === b) return true;
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
