// rbac.authorization.k8s.io/v1 (pkg/apis/rbac/validation). RBAC names only need to be path segments.
import { fieldErrors, type FieldError } from '../errors.js';
import { invalidGo } from './go-value.js';
import { dns1123Subdomain, pathSegmentName } from './names.js';
import { validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';

const GROUP = 'rbac.authorization.k8s.io';

function validateRules(rules: Obj[], namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!r.verbs?.length) errs.push(fieldErrors.required(`${p}.verbs`, 'verbs must contain at least one value'));
    if (r.nonResourceURLs?.length) {
      if (namespaced) errs.push(fieldErrors.invalid(`${p}.nonResourceURLs`, r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
      if (r.apiGroups?.length || r.resources?.length || r.resourceNames?.length) {
        errs.push(fieldErrors.invalid(`${p}.nonResourceURLs`, r.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (!r.apiGroups?.length) errs.push(fieldErrors.required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (!r.resources?.length) errs.push(fieldErrors.required(`${p}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

function validateSubject(s: Obj, path: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(fieldErrors.required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const msg of dns1123Subdomain(s.name)) errs.push(fieldErrors.invalid(`${path}.name`, s.name, msg));
      if (s.apiGroup) errs.push(fieldErrors.notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(fieldErrors.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== GROUP) errs.push(fieldErrors.notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [GROUP]));
      break;
    default:
      errs.push(fieldErrors.notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(b: Obj, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = b.roleRef ?? {};
  if (ref.apiGroup !== GROUP) errs.push(fieldErrors.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(fieldErrors.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(fieldErrors.required('roleRef.name'));
  else for (const msg of pathSegmentName(ref.name)) errs.push(fieldErrors.invalid('roleRef.name', ref.name, msg));
  ((b.subjects ?? []) as Obj[]).forEach((s, i) => errs.push(...validateSubject(s, `subjects[${i}]`, namespaced)));
  return errs;
}

/** A binding's role is its identity: changing it would silently grant something else. */
function roleRefUnchanged(b: Obj, old: Obj): FieldError[] {
  const r = b.roleRef ?? {};
  const o = old.roleRef ?? {};
  if (r.apiGroup === o.apiGroup && r.kind === o.kind && r.name === o.name) return [];
  const rendered = `rbac.RoleRef{APIGroup:${JSON.stringify(r.apiGroup ?? '')}, Kind:${JSON.stringify(r.kind ?? '')}, Name:${JSON.stringify(r.name ?? '')}}`;
  return [invalidGo('roleRef', rendered, 'cannot change roleRef', r)];
}

export const rbacRules: Record<string, KindRules> = {
  Role: { name: pathSegmentName, validate: o => validateRules(o.rules ?? [], true) },
  ClusterRole: {
    name: pathSegmentName,
    validate: o => [
      ...validateRules(o.rules ?? [], false),
      ...((o.aggregationRule?.clusterRoleSelectors ?? []) as Obj[]).flatMap((s, i) => validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)),
    ],
  },
  RoleBinding: { name: pathSegmentName, validate: o => validateBinding(o, true), validateUpdate: roleRefUnchanged },
  ClusterRoleBinding: { name: pathSegmentName, validate: o => validateBinding(o, false), validateUpdate: roleRefUnchanged },
};
