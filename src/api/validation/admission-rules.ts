// The resource rules admission webhooks and admission policies share (upstream's
// validateRuleWithOperations / validateResources in pkg/apis/admissionregistration/validation,
// one function for both). Upstream validates the internal types, so a bad list prints with Go's
// %#v: `[]string{"*", "apps"}`, and operations as `[]admissionregistration.OperationType{...}`.
import { fieldErrors, type FieldError } from '../errors.js';
import { goStringSlice, invalidGo } from './go-value.js';
import type { Obj } from './types.js';

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];

const hasWildcard = (xs: unknown[]) => xs.includes('*');

/** Resources with subresources (`pods/status`, `*\/scale`, `pods/*`) and their wildcard rules. */
function validateResources(resources: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!resources.length) errs.push(fieldErrors.required(path));
  const wildcardSubresourceOf = new Set<string>();
  const wildcardResourceFor = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let withoutSubresource = false;
  resources.forEach((resSub, i) => {
    if (resSub === '') {
      errs.push(fieldErrors.required(`${path}[${i}]`));
      return;
    }
    if (resSub === '*/*') doubleWildcard = true;
    if (resSub === '*') singleWildcard = true;
    const slash = resSub.indexOf('/');
    if (slash < 0) {
      withoutSubresource = resSub !== '*';
      return;
    }
    const res = resSub.slice(0, slash);
    const sub = resSub.slice(slash + 1);
    if (wildcardSubresourceOf.has(res)) errs.push(fieldErrors.invalid(`${path}[${i}]`, resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (wildcardResourceFor.has(sub)) errs.push(fieldErrors.invalid(`${path}[${i}]`, resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === '*') wildcardSubresourceOf.add(res);
    if (res === '*') wildcardResourceFor.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(invalidGo(path, goStringSlice(resources), "if '*/*' is present, must not specify other resources", resources));
  if (singleWildcard && withoutSubresource) errs.push(invalidGo(path, goStringSlice(resources), "if '*' is present, must not specify other resources without subresources", resources));
  return errs;
}

/** A RuleWithOperations: operations, apiGroups, apiVersions, resources, scope. */
export function validateRuleWithOperations(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const operations: string[] = rule.operations ?? [];
  if (!operations.length) errs.push(fieldErrors.required(`${path}.operations`));
  if (operations.length > 1 && hasWildcard(operations)) {
    const rendered = `[]admissionregistration.OperationType{${operations.map(o => JSON.stringify(o)).join(', ')}}`;
    errs.push(invalidGo(`${path}.operations`, rendered, "if '*' is present, must not specify other operations", operations));
  }
  operations.forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.push(fieldErrors.notSupported(`${path}.operations[${i}]`, op, OPERATIONS));
  });
  const groups: string[] = rule.apiGroups ?? [];
  if (!groups.length) errs.push(fieldErrors.required(`${path}.apiGroups`));
  if (groups.length > 1 && hasWildcard(groups)) errs.push(invalidGo(`${path}.apiGroups`, goStringSlice(groups), "if '*' is present, must not specify other API groups", groups));
  const versions: string[] = rule.apiVersions ?? [];
  if (!versions.length) errs.push(fieldErrors.required(`${path}.apiVersions`));
  if (versions.length > 1 && hasWildcard(versions)) errs.push(invalidGo(`${path}.apiVersions`, goStringSlice(versions), "if '*' is present, must not specify other API versions", versions));
  versions.forEach((v, i) => {
    if (v === '') errs.push(fieldErrors.required(`${path}.apiVersions[${i}]`));
  });
  errs.push(...validateResources(rule.resources ?? [], `${path}.resources`));
  if (rule.scope !== undefined && rule.scope !== null && !SCOPES.includes(rule.scope)) errs.push(fieldErrors.notSupported(`${path}.scope`, rule.scope, SCOPES));
  return errs;
}
