// admissionregistration.k8s.io/v1 Mutating- and ValidatingWebhookConfiguration, as upstream's
// pkg/apis/admissionregistration/validation: fully qualified webhook names, rules, policies,
// timeouts, selectors, clientConfig (url or service), admissionReviewVersions, and matchConditions
// compiled with the webhook's CEL variables.
import { fieldErrors, type FieldError } from '../errors.js';
import { validateMatchConditions } from './admission-policy.js';
import { validateRuleWithOperations } from './admission-rules.js';
import { dns1035Label, dns1123Subdomain, portNumber } from './names.js';
import { validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';

const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const NO_SIDE_EFFECT_CLASSES = ['None', 'NoneOnDryRun'];
const REINVOCATION_POLICIES = ['IfNeeded', 'Never'];
/** The AdmissionReview versions the API server can send (request/admissionreview.go). */
export const ACCEPTED_ADMISSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
/** What a webhook's matchConditions may refer to (upstream's match-condition environment). */
export const WEBHOOK_MATCH_CONDITION_VARIABLES = ['object', 'oldObject', 'request', 'authorizer'];

/** What upstream relaxes on update when the stored object already broke the rule. */
interface Options {
  requireUniqueWebhookNames: boolean;
  requireRecognizedAdmissionReviewVersion: boolean;
}

/** utilvalidation.IsFullyQualifiedName: a DNS subdomain of at least three segments. */
function fullyQualifiedName(path: string, name: string): FieldError[] {
  if (!name) return [fieldErrors.required(path)];
  const errs = dns1123Subdomain(name);
  if (errs.length) return [fieldErrors.invalid(path, name, errs.join(','))];
  if (name.split('.').length < 3) return [fieldErrors.invalid(path, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

/** The parts of a URL as Go's url.Parse splits them (fragment, scheme, query, then the authority). */
function goURLParts(raw: string): { scheme: string; user?: string; host: string; query: string; fragment: string } | string {
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  if (rest.startsWith(':')) return 'missing protocol scheme';
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) [scheme, rest] = [m[1].toLowerCase(), rest.slice(m[0].length)];
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  let user: string | undefined;
  let host = '';
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split('/')[0];
    const at = authority.lastIndexOf('@');
    if (at >= 0) [user, host] = [authority.slice(0, at), authority.slice(at + 1)];
    else host = authority;
  }
  return { scheme, user, host, query, fragment };
}

/** webhook.ValidateWebhookURL with https forced. */
export function validateWebhookURL(path: string, raw: string): FieldError[] {
  const form = '; desired format: https://host[/path]';
  const u = goURLParts(raw);
  if (typeof u === 'string') return [fieldErrors.required(path, `url must be a valid URL: parse ${JSON.stringify(raw)}: ${u}${form}`)];
  const errs: FieldError[] = [];
  if (u.scheme !== 'https') errs.push(fieldErrors.invalid(path, u.scheme, "'https' is the only allowed URL scheme" + form));
  if (!u.host) errs.push(fieldErrors.invalid(path, u.host, 'host must be specified' + form));
  if (u.user !== undefined) errs.push(fieldErrors.invalid(path, u.user, 'user information is not permitted in the URL'));
  if (u.fragment) errs.push(fieldErrors.invalid(path, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query) errs.push(fieldErrors.invalid(path, u.query, 'query parameters are not permitted in the URL'));
  return errs;
}

/** webhook.ValidateWebhookService: name, namespace, port and a path of DNS-subdomain segments. */
export function validateWebhookService(path: string, svc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!svc.name) errs.push(fieldErrors.required(`${path}.name`, 'service name is required'));
  if (!svc.namespace) errs.push(fieldErrors.required(`${path}.namespace`, 'service namespace is required'));
  const portErrs = portNumber(svc.port ?? 443);
  if (portErrs.length) errs.push(fieldErrors.invalid(`${path}.port`, svc.port, 'port is not valid: ' + portErrs.join(', ')));
  const urlPath: string | undefined = svc.path;
  if (urlPath === undefined || urlPath === null || urlPath === '/' || urlPath === '') return errs;
  if (urlPath === '//') return [...errs, fieldErrors.invalid(`${path}.path`, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(fieldErrors.invalid(`${path}.path`, urlPath, "must start with a '/'"));
  let toCheck = urlPath.slice(1);
  if (toCheck.endsWith('/')) toCheck = toCheck.slice(0, -1);
  toCheck.split('/').forEach((step, i) => {
    if (!step) {
      errs.push(fieldErrors.invalid(`${path}.path`, urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const failure of dns1123Subdomain(step)) errs.push(fieldErrors.invalid(`${path}.path`, urlPath, `segment[${i}]: ${failure}`));
  });
  return errs;
}

function validateAdmissionReviewVersions(versions: string[], requireRecognized: boolean, path: string): FieldError[] {
  if (!versions.length) return [fieldErrors.required(path, `must specify one of ${ACCEPTED_ADMISSION_REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldErrors.invalid(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const msg of dns1035Label(v)) errs.push(fieldErrors.invalid(`${path}[${i}]`, v, msg));
    if (ACCEPTED_ADMISSION_REVIEW_VERSIONS.includes(v)) accepted = true;
  });
  if (requireRecognized && !accepted) {
    errs.push(fieldErrors.invalid(path, versions, `must include at least one of ${ACCEPTED_ADMISSION_REVIEW_VERSIONS.join(', ')}`));
  }
  return errs;
}

function validateWebhook(hook: Obj, mutating: boolean, path: string): FieldError[] {
  const errs = fullyQualifiedName(`${path}.name`, hook.name ?? '');
  ((hook.rules ?? []) as Obj[]).forEach((r, i) => errs.push(...validateRuleWithOperations(r, `${path}.rules[${i}]`)));
  if (hook.failurePolicy != null && !FAILURE_POLICIES.includes(hook.failurePolicy)) errs.push(fieldErrors.notSupported(`${path}.failurePolicy`, hook.failurePolicy, FAILURE_POLICIES));
  if (hook.matchPolicy != null && !MATCH_POLICIES.includes(hook.matchPolicy)) errs.push(fieldErrors.notSupported(`${path}.matchPolicy`, hook.matchPolicy, MATCH_POLICIES));
  if (hook.sideEffects == null) errs.push(fieldErrors.required(`${path}.sideEffects`, `must specify one of ${NO_SIDE_EFFECT_CLASSES.join(', ')}`));
  else if (!NO_SIDE_EFFECT_CLASSES.includes(hook.sideEffects)) errs.push(fieldErrors.notSupported(`${path}.sideEffects`, hook.sideEffects, NO_SIDE_EFFECT_CLASSES));
  if (hook.timeoutSeconds != null && (hook.timeoutSeconds > 30 || hook.timeoutSeconds < 1)) {
    errs.push(fieldErrors.invalid(`${path}.timeoutSeconds`, hook.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  }
  errs.push(...validateLabelSelector(hook.namespaceSelector, `${path}.namespaceSelector`));
  errs.push(...validateLabelSelector(hook.objectSelector, `${path}.objectSelector`));
  const cc: Obj = hook.clientConfig ?? {};
  const hasURL = cc.url !== undefined && cc.url !== null;
  const hasService = cc.service !== undefined && cc.service !== null;
  if (hasURL === hasService) errs.push(fieldErrors.required(`${path}.clientConfig`, 'exactly one of url or service is required'));
  else if (hasURL) errs.push(...validateWebhookURL(`${path}.clientConfig.url`, cc.url));
  else errs.push(...validateWebhookService(`${path}.clientConfig.service`, cc.service));
  if (mutating && hook.reinvocationPolicy != null && !REINVOCATION_POLICIES.includes(hook.reinvocationPolicy)) {
    errs.push(fieldErrors.notSupported(`${path}.reinvocationPolicy`, hook.reinvocationPolicy, REINVOCATION_POLICIES));
  }
  errs.push(...validateMatchConditions(hook.matchConditions, `${path}.matchConditions`, WEBHOOK_MATCH_CONDITION_VARIABLES));
  return errs;
}

function validateConfiguration(config: Obj, mutating: boolean, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ((config.webhooks ?? []) as Obj[]).forEach((hook, i) => {
    const path = `webhooks[${i}]`;
    errs.push(...validateWebhook(hook, mutating, path));
    errs.push(...validateAdmissionReviewVersions(hook.admissionReviewVersions ?? [], opts.requireRecognizedAdmissionReviewVersion, `${path}.admissionReviewVersions`));
    if (opts.requireUniqueWebhookNames && hook.name) {
      if (names.has(hook.name)) errs.push(fieldErrors.duplicate(`${path}.name`, hook.name));
      names.add(hook.name);
    }
  });
  return errs;
}

function uniqueNames(config: Obj): boolean {
  const names = ((config.webhooks ?? []) as Obj[]).map(h => h.name).filter(Boolean);
  return new Set(names).size === names.length;
}

function recognizedVersions(config: Obj): boolean {
  return ((config.webhooks ?? []) as Obj[]).every(h => ((h.admissionReviewVersions ?? []) as string[]).some(v => ACCEPTED_ADMISSION_REVIEW_VERSIONS.includes(v)));
}

/**
 * Rules for one kind. On update upstream keeps accepting what the stored object already had
 * (duplicate webhook names, unknown review versions), so that old objects stay writable.
 */
export function webhookConfigurationRules(mutating: boolean): KindRules {
  return {
    validate(config, old) {
      return validateConfiguration(config, mutating, {
        requireUniqueWebhookNames: !old || uniqueNames(old),
        requireRecognizedAdmissionReviewVersion: !old || recognizedVersions(old),
      });
    },
  };
}
