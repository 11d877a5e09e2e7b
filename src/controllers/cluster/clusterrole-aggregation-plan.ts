// What an aggregated ClusterRole's rules should be (upstream's clusterroleaggregation controller):
// the rules of every other ClusterRole its aggregationRule selects, selector by selector, roles in
// name order, each distinct rule once.
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { ClusterRole, PolicyRule } from '../../api/types/generated.js';

export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  if (!role.aggregationRule) return undefined;
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  const byName = [...all].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const s of role.aggregationRule.clusterRoleSelectors ?? []) {
    const selector = LabelSelector.fromObject(s);
    if (!selector) continue;
    for (const other of byName) {
      if (other.metadata?.name === role.metadata?.name || !selector.matches(other.metadata?.labels)) continue;
      for (const r of other.rules ?? []) {
        const key = ruleKey(r);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(r);
      }
    }
  }
  return rules;
}

/** Two rules are the same when every field is (nil and empty lists alike, as upstream's semantic equality). */
function ruleKey(r: PolicyRule): string {
  const f = (xs?: string[]) => JSON.stringify(xs ?? []);
  return `${f(r.verbs)}|${f(r.apiGroups)}|${f(r.resources)}|${f(r.resourceNames)}|${f(r.nonResourceURLs)}`;
}

export function sameRules(a: readonly PolicyRule[] | undefined, b: readonly PolicyRule[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((r, i) => ruleKey(r) === ruleKey(y[i]!));
}
