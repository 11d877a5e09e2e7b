// ConfigMap and Secret checks: key syntax, total size, type-specific keys, immutability.
import { fieldErrors, type FieldError } from '../errors.js';
import { configMapKey } from './names.js';

type Obj = Record<string, any>;

const MAX_SIZE = 1024 * 1024;

function validateKeys(obj: Obj, fields: string[], decodedSize: (field: string, v: string) => number): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  const seen = new Set<string>();
  for (const field of fields) {
    for (const [k, v] of Object.entries((obj[field] ?? {}) as Record<string, string>)) {
      for (const msg of configMapKey(k)) errs.push(fieldErrors.invalid(`${field}[${k}]`, k, msg));
      if (seen.has(k)) errs.push(fieldErrors.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
      seen.add(k);
      total += decodedSize(field, String(v));
    }
  }
  if (total > MAX_SIZE) errs.push(fieldErrors.tooLong(fields.length > 1 ? '' : fields[0], MAX_SIZE));
  return errs;
}

export function validateConfigMap(cm: Obj): FieldError[] {
  return validateKeys(cm, ['data', 'binaryData'], (f, v) => (f === 'binaryData' ? Buffer.from(v, 'base64').length : Buffer.byteLength(v)));
}

const REQUIRED_SECRET_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
};

export function validateSecret(secret: Obj): FieldError[] {
  const errs = validateKeys(secret, ['data'], (_f, v) => Buffer.from(v, 'base64').length);
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, unknown>)) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) errs.push(fieldErrors.invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
  }
  for (const key of REQUIRED_SECRET_KEYS[secret.type] ?? []) {
    if (!secret.data?.[key]) errs.push(fieldErrors.required(`data[${key}]`));
  }
  if (secret.type === 'kubernetes.io/service-account-token' && !secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(fieldErrors.required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  return errs;
}

/** `immutable: true` freezes data (and cannot be undone). */
export function validateImmutableData(obj: Obj, old: Obj, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(fieldErrors.forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const f of fields) {
      if (JSON.stringify(obj[f] ?? null) !== JSON.stringify(old[f] ?? null)) errs.push(fieldErrors.forbidden(f, 'field is immutable when `immutable` is set'));
    }
  }
  if (old.type !== undefined && obj.type !== old.type && fields.includes('data') && old.kind === 'Secret') {
    errs.push(fieldErrors.invalid('type', obj.type, 'field is immutable'));
  }
  return errs;
}
