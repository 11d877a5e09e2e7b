// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1),
// as upstream's pkg/apis/admissionregistration/validation: match rules, paramKind / paramRef,
// validation actions, and every CEL expression compiled at create and update, with cel-go's
// "compilation failed: ERROR: ..." details. On update, upstream compiles expressions that were
// already stored in a laxer environment; the environment here is one, so the same check applies.
import { compile } from '../cel/index.js';
import { fieldErrors, type FieldError } from '../errors.js';
import { duplicateGo, invalidGo } from './go-value.js';
import { dns1035Label, dns1123Subdomain, pathSegmentName, qualifiedName } from './names.js';
import { validateRuleWithOperations } from './admission-rules.js';
import { validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';

/** The variables every admission policy expression may use (upstream's base declarations). */
export function policyVariables(opts: { params: boolean; authorizer: boolean; composition: boolean }): string[] {
  return [
    'object', 'oldObject', 'request', 'namespaceObject',
    ...(opts.params ? ['params'] : []),
    ...(opts.authorizer ? ['authorizer'] : []),
    ...(opts.composition ? ['variables'] : []),
  ];
}

const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const VALIDATION_ACTIONS = ['Audit', 'Deny', 'Warn'];
const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge'];
const MAX_AUDIT_ANNOTATIONS = 20;
const MAX_AUDIT_VALUE_EXPRESSION = 5 * 1024;
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);


/** One expression compiled with `variables`; its field error, or none. */
function compileErrors(path: string, expression: string, variables: string[]): FieldError[] {
  try {
    compile(expression, variables);
    return [];
  } catch (err) {
    return [fieldErrors.invalid(path, expression, `compilation failed: ${(err as Error).message}`)];
  }
}

function validateNamedRule(r: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ((r.resourceNames ?? []) as string[]).forEach((n, i) => {
    for (const msg of pathSegmentName(n)) errs.push(fieldErrors.invalid(`${path}.resourceNames[${i}]`, n, msg));
    if (seen.has(n)) errs.push(fieldErrors.duplicate(`${path}.resourceNames[${i}]`, n));
    seen.add(n);
  });
  return [...errs, ...validateRuleWithOperations(r, path)];
}

export function validateMatchResources(m: Obj | undefined, path: string): FieldError[] {
  if (!m) return [];
  const errs: FieldError[] = [];
  if (m.matchPolicy === undefined || m.matchPolicy === null) errs.push(fieldErrors.required(`${path}.matchPolicy`));
  else if (!MATCH_POLICIES.includes(m.matchPolicy)) errs.push(fieldErrors.notSupported(`${path}.matchPolicy`, m.matchPolicy, MATCH_POLICIES));
  for (const sel of ['namespaceSelector', 'objectSelector']) {
    if (!m[sel]) errs.push(fieldErrors.required(`${path}.${sel}`));
    else errs.push(...validateLabelSelector(m[sel], `${path}.${sel}`));
  }
  ((m.resourceRules ?? []) as Obj[]).forEach((r, i) => errs.push(...validateNamedRule(r, `${path}.resourceRules[${i}]`)));
  ((m.excludeResourceRules ?? []) as Obj[]).forEach((r, i) => errs.push(...validateNamedRule(r, `${path}.excludeResourceRules[${i}]`)));
  return errs;
}

/** Webhook and policy matchConditions: named, unique, at most 64, each a compiling expression. */
export function validateMatchConditions(conditions: Obj[] | undefined, path: string, variables: string[]): FieldError[] {
  const list = conditions ?? [];
  const errs: FieldError[] = [];
  if (list.length > 64) errs.push(fieldErrors.tooMany(path, 64));
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const expr = String(c.expression ?? '').trim();
    if (!expr) errs.push(fieldErrors.required(`${p}.expression`));
    else errs.push(...compileErrors(`${p}.expression`, expr, variables));
    if (!c.name) errs.push(fieldErrors.required(`${p}.name`));
    else for (const msg of qualifiedName(c.name)) errs.push(fieldErrors.invalid(`${p}.name`, c.name, msg));
    if (c.name) {
      if (names.has(c.name)) errs.push(fieldErrors.duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
  });
  return errs;
}

function validateParamKind(pk: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion: string = pk.apiVersion ?? '';
  if (!apiVersion) errs.push(fieldErrors.required(`${path}.apiVersion`));
  else if ((apiVersion.match(/\//g) ?? []).length > 1) errs.push(fieldErrors.invalid(`${path}.apiVersion`, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
  else if (apiVersion !== '/') {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
    if (group) {
      const msgs = dns1123Subdomain(group);
      if (msgs.length) errs.push(fieldErrors.invalid(`${path}.apiVersion`, group, msgs.join(',')));
    }
    if (!version) errs.push(fieldErrors.invalid(`${path}.apiVersion`, apiVersion, 'version must be specified'));
    else {
      const msgs = dns1035Label(version);
      if (msgs.length) errs.push(fieldErrors.invalid(`${path}.apiVersion`, version, msgs.join(',')));
    }
  }
  if (!pk.kind) errs.push(fieldErrors.required(`${path}.kind`));
  else {
    const msgs = dns1035Label(String(pk.kind).toLowerCase());
    if (msgs.length) errs.push(fieldErrors.invalid(`${path}.kind`, pk.kind, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
  }
  return errs;
}

function validateValidation(v: Obj, path: string, vars: { full: string[]; message: string[] }): FieldError[] {
  const errs: FieldError[] = [];
  const expression = String(v.expression ?? '');
  if (!expression.trim()) errs.push(fieldErrors.required(`${path}.expression`, 'expression is not specified'));
  else errs.push(...compileErrors(`${path}.expression`, expression, vars.full));
  const messageExpression = String(v.messageExpression ?? '');
  if (messageExpression.length > 0 && !messageExpression.trim()) errs.push(fieldErrors.invalid(`${path}.messageExpression`, messageExpression, 'must be non-empty if specified'));
  else if (messageExpression.trim()) errs.push(...compileErrors(`${path}.messageExpression`, messageExpression, vars.message));
  const message = String(v.message ?? '');
  if (message.length > 0 && !message.trim()) errs.push(fieldErrors.invalid(`${path}.message`, message, 'message must be non-empty if specified'));
  else if (/[\n\r]/.test(message.trim())) errs.push(fieldErrors.invalid(`${path}.message`, message, 'message must not contain line breaks'));
  if (v.reason !== undefined && v.reason !== null && !REASONS.includes(v.reason)) errs.push(fieldErrors.notSupported(`${path}.reason`, v.reason, REASONS));
  return errs;
}

function validateAuditAnnotation(a: Obj, policyName: string | undefined, path: string, variables: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (policyName) for (const msg of qualifiedName(`${policyName}/${a.key ?? ''}`)) errs.push(fieldErrors.invalid(`${path}.key`, `${policyName}/${a.key ?? ''}`, msg));
  else errs.push(fieldErrors.invalid(`${path}.key`, a.key ?? '', 'requires metadata.name be non-empty'));
  const value = String(a.valueExpression ?? '').trim();
  if (!value) errs.push(fieldErrors.required(`${path}.valueExpression`, 'valueExpression is not specified'));
  else if (value.length > MAX_AUDIT_VALUE_EXPRESSION) errs.push(fieldErrors.required(`${path}.valueExpression`, `must not exceed ${MAX_AUDIT_VALUE_EXPRESSION} bytes in length`));
  else errs.push(...compileErrors(`${path}.valueExpression`, value, variables));
  return errs;
}

function validatePolicy(p: Obj): FieldError[] {
  const spec = p.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.failurePolicy) errs.push(fieldErrors.required('spec.failurePolicy'));
  else if (!FAILURE_POLICIES.includes(spec.failurePolicy)) errs.push(fieldErrors.notSupported('spec.failurePolicy', spec.failurePolicy, FAILURE_POLICIES));
  const params = !!spec.paramKind;
  if (spec.paramKind) errs.push(...validateParamKind(spec.paramKind, 'spec.paramKind'));
  if (!spec.matchConstraints) errs.push(fieldErrors.required('spec.matchConstraints'));
  else {
    errs.push(...validateMatchResources(spec.matchConstraints, 'spec.matchConstraints'));
    if (!(spec.matchConstraints.resourceRules ?? []).length) errs.push(fieldErrors.required('spec.matchConstraints.resourceRules'));
  }
  const composition = (spec.variables ?? []).length > 0;
  const full = policyVariables({ params, authorizer: true, composition });
  const message = policyVariables({ params, authorizer: false, composition });
  errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions', policyVariables({ params, authorizer: true, composition: false })));
  ((spec.variables ?? []) as Obj[]).forEach((v, i) => {
    const path = `spec.variables[${i}]`;
    if (!String(v.name ?? '').trim()) errs.push(fieldErrors.required(`${path}.name`, 'name is not specified'));
    else if (!CEL_IDENTIFIER.test(v.name) || CEL_RESERVED.has(v.name)) errs.push(fieldErrors.invalid(`${path}.name`, v.name, 'name is not a valid CEL identifier'));
    if (!String(v.expression ?? '').trim()) errs.push(fieldErrors.required(`${path}.expression`, 'expression is not specified'));
    else errs.push(...compileErrors(`${path}.expression`, v.expression, full));
  });
  const validations: Obj[] = spec.validations ?? [];
  const audits: Obj[] = spec.auditAnnotations ?? [];
  if (!validations.length && !audits.length) {
    errs.push(fieldErrors.required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
    errs.push(fieldErrors.required('spec.auditAnnotations', 'validations or auditAnnotations must contain at least one item'));
    return errs;
  }
  validations.forEach((v, i) => errs.push(...validateValidation(v, `spec.validations[${i}]`, { full, message })));
  if (audits.length > MAX_AUDIT_ANNOTATIONS) errs.push(invalidGo('spec.auditAnnotations', '[]admissionregistration.AuditAnnotation{...}', `must not have more than ${MAX_AUDIT_ANNOTATIONS} auditAnnotations`, audits));
  const keys = new Set<string>();
  audits.forEach((a, i) => {
    errs.push(...validateAuditAnnotation(a, p.metadata?.name, `spec.auditAnnotations[${i}]`, full));
    if (keys.has(a.key)) errs.push(fieldErrors.duplicate(`spec.auditAnnotations[${i}].key`, a.key));
    keys.add(a.key);
  });
  return errs;
}

function validateParamRef(pr: Obj | undefined, path: string): FieldError[] {
  if (!pr) return [];
  const errs: FieldError[] = [];
  if (pr.name) {
    for (const msg of pathSegmentName(pr.name)) errs.push(fieldErrors.invalid(`${path}.name`, pr.name, msg));
    if (pr.selector) errs.push(fieldErrors.forbidden(`${path}.name`, 'name and selector are mutually exclusive'));
  }
  if (pr.selector) {
    errs.push(...validateLabelSelector(pr.selector, `${path}.selector`));
    if (pr.name) errs.push(fieldErrors.forbidden(`${path}.selector`, 'name and selector are mutually exclusive'));
  }
  if (!pr.name && !pr.selector) errs.push(fieldErrors.required(path, 'one of name or selector must be specified'));
  const action = pr.parameterNotFoundAction;
  if (!action) errs.push(fieldErrors.required(`${path}.parameterNotFoundAction`));
  else if (action !== 'Deny' && action !== 'Allow') errs.push(fieldErrors.notSupported(`${path}.parameterNotFoundAction`, action, ['Deny', 'Allow']));
  return errs;
}

function validateValidationActions(actions: string[] | undefined, path: string): FieldError[] {
  const list = actions ?? [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((a, i) => {
    if (!VALIDATION_ACTIONS.includes(a)) errs.push(fieldErrors.notSupported(`${path}[${i}]`, a, VALIDATION_ACTIONS));
    if (seen.has(a)) errs.push(duplicateGo(`${path}[${i}]`, JSON.stringify(a), a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(invalidGo(path, `[]admissionregistration.ValidationAction{${list.map(a => JSON.stringify(a)).join(', ')}}`, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)', list));
  }
  if (!seen.size) errs.push(fieldErrors.required(path, 'at least one validation action is required'));
  return errs;
}

function validateBinding(b: Obj): FieldError[] {
  const spec = b.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(fieldErrors.required('spec.policyName'));
  else for (const msg of dns1123Subdomain(spec.policyName)) errs.push(fieldErrors.invalid('spec.policyName', spec.policyName, msg));
  errs.push(...validateParamRef(spec.paramRef, 'spec.paramRef'));
  errs.push(...validateMatchResources(spec.matchResources, 'spec.matchResources'));
  errs.push(...validateValidationActions(spec.validationActions, 'spec.validationActions'));
  return errs;
}

export const admissionPolicyRules: Record<'ValidatingAdmissionPolicy' | 'ValidatingAdmissionPolicyBinding', KindRules> = {
  ValidatingAdmissionPolicy: { validate: validatePolicy },
  ValidatingAdmissionPolicyBinding: { validate: validateBinding },
};
