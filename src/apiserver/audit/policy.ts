// --audit-policy-file: an audit.k8s.io/v1 Policy (YAML or JSON), validated as upstream's, and
// its evaluation: the first rule matching a request gives its level, the stages to omit and
// whether managedFields are left out (upstream's audit/policy checker).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { UserInfo } from '../context.js';
import type { RequestInfo } from '../request-info.js';

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = typeof LEVELS[number];
export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = typeof STAGES[number];

export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/** What the policy asks for one request. */
export interface RequestAuditConfig {
  level: Level;
  omitStages: ReadonlySet<Stage>;
  omitManagedFields: boolean;
}

export class AuditPolicyError extends Error {}

export function levelAtLeast(level: Level, min: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

export function loadAuditPolicy(path: string): AuditPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AuditPolicyError(`failed to read file path "${path}": ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new AuditPolicyError(`failed decoding file "${path}": ${(err as Error).message.split('\n')[0]}`);
  }
  return parseAuditPolicy(doc, path);
}

export function parseAuditPolicy(doc: unknown, path = 'policy'): AuditPolicy {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new AuditPolicyError(`failed decoding file "${path}": not an object`);
  const p = doc as Record<string, unknown>;
  if (p.kind !== 'Policy' || p.apiVersion !== 'audit.k8s.io/v1') {
    throw new AuditPolicyError(`failed decoding file "${path}": expected kind Policy in audit.k8s.io/v1, got kind ${JSON.stringify(p.kind ?? '')} in ${JSON.stringify(p.apiVersion ?? '')}`);
  }
  const policy: AuditPolicy = {
    rules: Array.isArray(p.rules) ? p.rules as PolicyRule[] : [],
    omitStages: p.omitStages as Stage[] | undefined,
    omitManagedFields: p.omitManagedFields as boolean | undefined,
  };
  const errs = validatePolicy(policy);
  if (errs.length) throw new AuditPolicyError(`invalid audit policy file "${path}": ${errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`}`);
  if (!policy.rules.length) throw new AuditPolicyError(`loaded illegal policy with 0 rules from file ${path}`);
  return policy;
}

// ---- validation (upstream's apis/audit/validation, same paths and messages) ----

const show = (v: unknown) => typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[]string{${v.map(x => JSON.stringify(x)).join(', ')}}` : JSON.stringify(v);

export function validatePolicy(policy: AuditPolicy): string[] {
  const errs: string[] = [];
  policy.rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (typeof rule !== 'object' || rule === null) { errs.push(`${at}: Invalid value: ${show(rule)}: must be an object`); return; }
    if (!rule.level) errs.push(`${at}.level: Required value`);
    else if (!LEVELS.includes(rule.level)) errs.push(`${at}.level: Unsupported value: ${show(rule.level)}: supported values: ${LEVELS.map(l => `"${l}"`).join(', ')}`);
    (rule.nonResourceURLs ?? []).forEach((url, j) => {
      if (url === '*') return;
      if (!url.startsWith('/')) errs.push(`${at}.nonResourceURLs[${j}]: Invalid value: ${show(url)}: non-resource URL rules must begin with a '/' character`);
      if (url !== '' && url.slice(0, -1).includes('*')) errs.push(`${at}.nonResourceURLs[${j}]: Invalid value: ${show(url)}: non-resource URL wildcards '*' must be the final character of the rule`);
    });
    for (const gr of rule.resources ?? []) {
      if (gr.group && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(gr.group)) {
        errs.push(`${at}.resources.group: Invalid value: ${show(gr.group)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
      }
      if (gr.resourceNames?.length && !gr.resources?.length) errs.push(`${at}.resources.resourceNames: Invalid value: ${show(gr.resourceNames)}: using resourceNames requires at least one resource`);
    }
    errs.push(...validateStages(rule.omitStages, `${at}.omitStages`));
    if (rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length)) {
      errs.push(`${at}.nonResourceURLs: Invalid value: ${show(rule.nonResourceURLs)}: rules cannot apply to both regular resources and non-resource URLs`);
    }
  });
  errs.push(...validateStages(policy.omitStages, 'omitStages'));
  return errs;
}

function validateStages(stages: Stage[] | undefined, path: string): string[] {
  return (stages ?? []).flatMap((s, i) => STAGES.includes(s) ? [] : [`${path}[${i}]: Invalid value: ${show(s)}: allowed stages are ${STAGES.join(',')}`]);
}

// ---- evaluation ----

/** The request as the policy sees it: the authenticated user (not an impersonated one) and the request info. */
export interface AuditAttributes {
  user?: UserInfo;
  request: RequestInfo;
}

export function evaluatePolicy(policy: AuditPolicy, attrs: AuditAttributes): RequestAuditConfig {
  for (const rule of policy.rules) {
    if (!ruleMatches(rule, attrs)) continue;
    return {
      level: rule.level,
      omitStages: new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])]),
      omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
    };
  }
  return { level: 'None', omitStages: new Set(policy.omitStages ?? []), omitManagedFields: policy.omitManagedFields ?? false };
}

function ruleMatches(rule: PolicyRule, { user, request }: AuditAttributes): boolean {
  if (rule.users?.length && (!user || !rule.users.includes(user.username))) return false;
  if (rule.userGroups?.length && (!user || !user.groups.some(g => rule.userGroups!.includes(g)))) return false;
  if (rule.verbs?.length && !rule.verbs.includes(request.verb)) return false;
  if (rule.namespaces?.length || rule.resources?.length) return ruleMatchesResource(rule, request);
  if (rule.nonResourceURLs?.length) return !request.isResourceRequest && rule.nonResourceURLs.some(spec => pathMatches(request.path, spec));
  return true;
}

function ruleMatchesResource(rule: PolicyRule, request: RequestInfo): boolean {
  if (!request.isResourceRequest) return false;
  // Cluster-scoped resources have the empty namespace.
  if (rule.namespaces?.length && !rule.namespaces.includes(request.namespace)) return false;
  if (!rule.resources?.length) return true;
  const { group, resource, subresource, name } = request;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const gr of rule.resources) {
    if ((gr.group ?? '') !== group) continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (subresource && res.startsWith('*/') && res.slice(2) === subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === resource) return true;
    }
  }
  return false;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.slice(0, -1));
}
