// Whether one PolicyRule allows a request, as upstream's RuleAllows: verbs and API groups match
// exactly or by `*`; a resource matches exactly (`pods`, `pods/log`), by `*`, or a subresource by
// `*/log`; resourceNames (if any) list the names allowed; nonResourceURLs match exactly, by `*`, or
// by a prefix ending in `*`. Like upstream, `pods/*` names a subresource literally called `*`.
import type { PolicyRule } from '../../../api/types/generated.js';
import type { Attributes } from '../attributes.js';

export const VERB_ALL = '*';

export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.isResourceRequest) return nonResourceURLMatches(rule, a.path);
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return apiGroupMatches(rule, a.group) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
}

export function rulesAllow(a: Attributes, rules: readonly PolicyRule[]): boolean {
  return rules.some(r => ruleAllows(a, r));
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some(v => v === VERB_ALL || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some(g => g === '*' || g === group);
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}
