// apiregistration.k8s.io/v1 APIService (kube-aggregator's pkg/apis/apiregistration/validation): the
// name is `<version>.<group>`, priorities stay in their ranges, and only a Service-backed APIService
// says how to trust its server (a caBundle or insecureSkipTLSVerify, never both).
import { fieldErrors, type FieldError } from '../errors.js';
import { dns1035Label, dns1123Subdomain, pathSegmentName } from './names.js';
import type { KindRules, Obj } from './types.js';

const MAX_GROUP_PRIORITY = 20000;
const MAX_VERSION_PRIORITY = 1000;
const CONDITION_STATUSES = ['True', 'False', 'Unknown'];

function validateAPIService(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec: Obj = o.spec ?? {};
  const group: string = spec.group ?? '';
  const version: string = spec.version ?? '';
  const name: string = o.metadata?.name ?? '';
  const requiredName = `${version}.${group}`;
  // The generic name check ran pathSegmentName; only a usable name is compared.
  if (name && !pathSegmentName(name).length && name !== requiredName) {
    errs.push(fieldErrors.invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(requiredName)}`));
  }
  if (!group && version !== 'v1') errs.push(fieldErrors.required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group) for (const e of dns1123Subdomain(group)) errs.push(fieldErrors.invalid('spec.group', group, e));
  for (const e of dns1035Label(version)) errs.push(fieldErrors.invalid('spec.version', version, e));
  const groupPriority = spec.groupPriorityMinimum ?? 0;
  if (groupPriority <= 0 || groupPriority > MAX_GROUP_PRIORITY) errs.push(fieldErrors.invalid('spec.groupPriorityMinimum', groupPriority, `must be positive and less than ${MAX_GROUP_PRIORITY}`));
  const versionPriority = spec.versionPriority ?? 0;
  if (versionPriority <= 0 || versionPriority > MAX_VERSION_PRIORITY) errs.push(fieldErrors.invalid('spec.versionPriority', versionPriority, `must be positive and less than ${MAX_VERSION_PRIORITY}`));
  const caBytes = spec.caBundle ? Buffer.from(String(spec.caBundle), 'base64').length : 0;
  const insecure = spec.insecureSkipTLSVerify === true;
  if (!spec.service) {
    if (caBytes) errs.push(fieldErrors.invalid('spec.caBundle', `${caBytes} bytes`, 'local APIServices may not have a caBundle'));
    if (insecure) errs.push(fieldErrors.invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
  } else {
    if (!spec.service.namespace) errs.push(fieldErrors.required('spec.service.namespace'));
    if (!spec.service.name) errs.push(fieldErrors.required('spec.service.name'));
    if (insecure && caBytes) errs.push(fieldErrors.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  }
  return errs;
}

/** Upstream checks condition statuses on status writes; create clears status and updates keep the old one. */
function validateAPIServiceStatus(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  ((o.status?.conditions ?? []) as Obj[]).forEach((c, i) => {
    if (!CONDITION_STATUSES.includes(c.status)) errs.push(fieldErrors.notSupported(`status.conditions[${i}].status`, c.status, CONDITION_STATUSES));
  });
  return errs;
}

export const apiServiceRules: KindRules = {
  name: pathSegmentName,
  validate: (o, old) => [...validateAPIService(o), ...(old ? validateAPIServiceStatus(o) : [])],
};
