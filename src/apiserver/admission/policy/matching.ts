// Which requests a policy's matchConstraints (or a binding's matchResources) select, as upstream's
// admission/plugin/policy/matching: namespaceSelector, objectSelector, excludeResourceRules, then
// resourceRules (operations, apiGroups, apiVersions, resources with subresources, scope,
// resourceNames), with matchPolicy Equivalent also trying the resource's other served versions.
import type { ResourceInfo } from '../../../api/catalog.js';
import type { KubeObject } from '../../../api/object.js';
import type { Obj } from '../../../api/validation/types.js';
import { selectorMatches } from '../../../api/validation/selector.js';
import type { AdmissionAttributes } from '../types.js';

/** What matching needs beyond the attributes: the namespace's labels and a resource's other versions. */
export interface MatchContext {
  namespaceLabels(name: string): Record<string, string> | undefined;
  equivalents(resource: ResourceInfo): ResourceInfo[];
}

export interface Matched {
  /** The resource the rule matched: the request's, or an equivalent version of it. */
  resource: ResourceInfo;
}

const isNamespaceResource = (r: ResourceInfo) => r.group === '' && r.resource === 'namespaces';

function ruleMatches(rule: Obj, a: AdmissionAttributes, resource: ResourceInfo): boolean {
  const scope = rule.scope ?? '*';
  const clusterRequest = isNamespaceResource(resource) || !a.namespace;
  if (scope === 'Namespaced' && clusterRequest) return false;
  if (scope === 'Cluster' && !clusterRequest) return false;
  const ops: string[] = rule.operations ?? [];
  if (!ops.includes('*') && !ops.includes(a.operation)) return false;
  const groups: string[] = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(resource.group)) return false;
  const versions: string[] = rule.apiVersions ?? [];
  if (!versions.includes('*') && !versions.includes(resource.version)) return false;
  return ((rule.resources ?? []) as string[]).some(r => {
    const slash = r.indexOf('/');
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? '' : r.slice(slash + 1);
    return (res === '*' || res === resource.resource) && (sub === '*' || sub === a.subresource);
  });
}

function namedRulesMatch(rules: Obj[], a: AdmissionAttributes, resource: ResourceInfo): boolean {
  return rules.some(rule => {
    if (!ruleMatches(rule, a, resource)) return false;
    const names: string[] = rule.resourceNames ?? [];
    return names.length === 0 || names.includes(a.name);
  });
}

/** The resource the rules select the request as, or undefined. */
function matchRules(rules: Obj[], matchPolicy: string | undefined, a: AdmissionAttributes, ctx: MatchContext): ResourceInfo | undefined {
  if (namedRulesMatch(rules, a, a.resource)) return a.resource;
  if (matchPolicy !== 'Equivalent') return undefined;
  return ctx.equivalents(a.resource).find(eq => namedRulesMatch(rules, a, eq));
}

function objectLabels(o: KubeObject | undefined): Record<string, string> | undefined {
  return o?.metadata?.labels as Record<string, string> | undefined;
}

function namespaceSelected(selector: Obj | undefined, a: AdmissionAttributes, ctx: MatchContext): boolean {
  if (!selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length)) return true;
  if (isNamespaceResource(a.resource)) return selectorMatches(selector, objectLabels(a.object ?? a.oldObject));
  // A cluster-scoped object other than a namespace is never exempted by a namespace selector.
  if (!a.namespace) return true;
  return selectorMatches(selector, ctx.namespaceLabels(a.namespace) ?? {});
}

function objectSelected(selector: Obj | undefined, a: AdmissionAttributes): boolean {
  if (!selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length)) return true;
  const matches = (o: KubeObject | undefined) => !!o && selectorMatches(selector, objectLabels(o));
  return matches(a.object) || matches(a.oldObject);
}

/** Whether `match` (MatchResources) selects the request; an absent `match` selects everything. */
export function matchResources(match: Obj | undefined, a: AdmissionAttributes, ctx: MatchContext): Matched | undefined {
  if (!match) return { resource: a.resource };
  if (!namespaceSelected(match.namespaceSelector, a, ctx)) return undefined;
  if (!objectSelected(match.objectSelector, a)) return undefined;
  if (matchRules(match.excludeResourceRules ?? [], match.matchPolicy, a, ctx)) return undefined;
  const rules: Obj[] = match.resourceRules ?? [];
  if (!rules.length) return { resource: a.resource };
  const resource = matchRules(rules, match.matchPolicy, a, ctx);
  return resource ? { resource } : undefined;
}
