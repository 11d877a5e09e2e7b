// certificates.k8s.io/v1 CertificateSigningRequests (upstream pkg/apis/certificates/validation).
// The request's PEM and signature are checked where the store can wait for crypto (the strategy);
// everything else is here.
import { fieldErrors, type FieldError } from '../errors.js';
import { dns1123Subdomain } from './names.js';
import type { KindRules, Obj } from './types.js';

export const CSR_KEY_USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment',
  'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel',
  'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime',
  'server auth', 'signing', 'timestamping',
];

const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

/** upstream's ValidateSignerName: `<fully qualified domain>/<path>`. */
export function validateSignerName(path: string, name: unknown): FieldError[] {
  if (typeof name !== 'string' || !name) return [fieldErrors.required(path, '')];
  const slash = name.indexOf('/');
  if (slash < 0) return [fieldErrors.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const domain = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  const errs: FieldError[] = [];
  if (domain.split('.').length < 2) errs.push(fieldErrors.invalid(path, name, 'should be a domain with at least two segments separated by dots'));
  for (const msg of dns1123Subdomain(domain)) errs.push(fieldErrors.invalid(path, name, msg));
  if (!rest) errs.push(fieldErrors.invalid(path, name, 'validating path: must not be empty'));
  else if (rest.length > 571) errs.push(fieldErrors.tooLong(path, 571));
  else if (rest.split('/').some(seg => !seg)) errs.push(fieldErrors.invalid(path, name, 'validating path: must not contain empty segments'));
  return errs;
}

function validateConditions(conditions: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions.forEach((c, i) => {
    const p = `status.conditions[${i}]`;
    if (!c.type) errs.push(fieldErrors.required(`${p}.type`, ''));
    if (!CONDITION_STATUSES.includes(c.status)) errs.push(fieldErrors.notSupported(`${p}.status`, c.status ?? '', CONDITION_STATUSES));
    if (c.type === 'Approved') {
      approved = true;
      if (c.status !== 'True') errs.push(fieldErrors.invalid(`${p}.status`, c.status ?? '', 'Approved condition may only be set to True'));
    }
    if (c.type === 'Denied') {
      denied = true;
      if (c.status !== 'True') errs.push(fieldErrors.invalid(`${p}.status`, c.status ?? '', 'Denied condition may only be set to True'));
    }
    if (c.type && seen.has(c.type)) errs.push(fieldErrors.duplicate(`${p}.type`, c.type));
    seen.add(c.type);
  });
  if (approved && denied) errs.push(fieldErrors.invalid('status.conditions', conditions, 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

/** status.certificate: empty, or only CERTIFICATE PEM blocks (at least one). */
function validateCertificate(b64: unknown): FieldError[] {
  if (b64 === undefined || b64 === null || b64 === '') return [];
  const text = Buffer.from(String(b64), 'base64').toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)];
  const bad = (detail: string) => [fieldErrors.invalid('status.certificate', '<certificate data>', detail)];
  if (!blocks.length) return bad('must contain at least one CERTIFICATE PEM block');
  if (blocks.some(b => b[1] !== 'CERTIFICATE')) return bad('only CERTIFICATE PEM blocks are allowed');
  const leftover = text.replace(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g, '').trim();
  if (leftover) return bad('only PEM blocks are allowed');
  return [];
}

export function validateCertificateSigningRequest(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const usages: unknown[] = Array.isArray(spec.usages) ? spec.usages : [];
  if (!spec.request) errs.push(fieldErrors.required('spec.request', ''));
  if (!usages.length) errs.push(fieldErrors.required('spec.usages', ''));
  const seen = new Set<unknown>();
  usages.forEach((u, i) => {
    if (!CSR_KEY_USAGES.includes(u as string)) errs.push(fieldErrors.notSupported(`spec.usages[${i}]`, u, CSR_KEY_USAGES));
    if (seen.has(u)) errs.push(fieldErrors.duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  if (spec.signerName === 'kubernetes.io/legacy-unknown') {
    errs.push(fieldErrors.invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...validateSignerName('spec.signerName', spec.signerName));
  }
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds !== null && spec.expirationSeconds < 600) {
    errs.push(fieldErrors.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...validateConditions(obj.status?.conditions ?? []));
  errs.push(...validateCertificate(obj.status?.certificate));
  return errs;
}

/** What /status and /approval may not undo: an issued certificate, an Approved or Denied condition. */
export function validateCertificateSigningRequestUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const oldCert = old.status?.certificate;
  if (oldCert && obj.status?.certificate !== oldCert) errs.push(fieldErrors.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  for (const type of ['Approved', 'Denied']) {
    const had = (old.status?.conditions ?? []).some((c: Obj) => c.type === type);
    const has = (obj.status?.conditions ?? []).some((c: Obj) => c.type === type);
    if (had && !has) errs.push(fieldErrors.forbidden('status.conditions', `updates may not remove a condition of type "${type}"`));
  }
  if (obj.status?.certificate && !oldCert) {
    const conds: Obj[] = obj.status?.conditions ?? [];
    if (!conds.some(c => c.type === 'Approved')) errs.push(fieldErrors.invalid('status.certificate', '<certificate data>', 'certificate can only be set if the Approved condition is present'));
    if (conds.some(c => c.type === 'Denied' || c.type === 'Failed')) errs.push(fieldErrors.invalid('status.certificate', '<certificate data>', 'certificate cannot be set if the Denied or Failed condition is present'));
  }
  return errs;
}

export const certificateSigningRequestRules: KindRules = {
  // "We don't care what you call your certificate requests."
  name: () => [],
  validate: obj => validateCertificateSigningRequest(obj),
  validateUpdate: validateCertificateSigningRequestUpdate,
};
