// ConfigMaps and Secrets: key syntax, total size, type-specific keys, `immutable`.
import { fieldErrors, type FieldError } from '../errors.js';
import { immutable } from './object-meta.js';
import { configMapKey } from './names.js';
import type { KindRules, Obj } from './types.js';
import { hasKey } from '../../util/data-keys.js';

const MAX_SIZE = 1024 * 1024;
const REDACTED = '<secret contents redacted>';
const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

const keyErrors = (field: string, key: string) => configMapKey(key).map(msg => fieldErrors.invalid(`${field}[${key}]`, key, msg));
const base64Bytes = (v: string) => Buffer.from(v, 'base64');
const isBase64 = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 !== 1;

function validateConfigMap(cm: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data: Record<string, string> = cm.data ?? {};
  const binary: Record<string, string> = cm.binaryData ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...keyErrors('data', k));
    if (hasKey(binary, k)) errs.push(fieldErrors.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(String(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    errs.push(...keyErrors('binaryData', k));
    if (hasKey(data, k)) errs.push(fieldErrors.invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    size += base64Bytes(String(v)).length;
  }
  // An empty path: the limit is on the whole object.
  if (size > MAX_SIZE) errs.push(fieldErrors.tooLong('', MAX_SIZE));
  return errs;
}

// Which keys each well-known secret type must carry.
function validateSecretType(secret: Obj): FieldError[] {
  const data: Record<string, string> = secret.data ?? {};
  const has = (k: string) => hasKey(data, k);
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      return secret.metadata?.annotations?.['kubernetes.io/service-account.name'] ? [] : [fieldErrors.required('metadata.annotations[kubernetes.io/service-account.name]')];
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = secret.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) return [fieldErrors.required(`data[${key}]`)];
      try {
        JSON.parse(base64Bytes(data[key]).toString('utf8'));
        return [];
      } catch (err) {
        return [fieldErrors.invalid(`data[${key}]`, REDACTED, (err as Error).message)];
      }
    }
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [fieldErrors.required('data[username]'), fieldErrors.required('data[password]')];
    case 'kubernetes.io/ssh-auth':
      return data['ssh-privatekey'] ? [] : [fieldErrors.required('data[ssh-privatekey]')];
    case 'kubernetes.io/tls':
      return ['tls.crt', 'tls.key'].filter(k => !has(k)).map(k => fieldErrors.required(`data[${k}]`));
    default:
      return [];
  }
}

function validateSecret(secret: Obj): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, unknown>)) {
    errs.push(...keyErrors('data', k));
    // Upstream fails these while decoding the request; here they surface as field errors.
    if (!isBase64(v)) errs.push(fieldErrors.invalid(`data[${k}]`, REDACTED, 'illegal base64 data'));
    else size += base64Bytes(v as string).length;
  }
  if (size > MAX_SIZE) errs.push(fieldErrors.tooLong('data', MAX_SIZE));
  return [...errs, ...validateSecretType(secret)];
}

/** Once `immutable: true` is stored, it and the listed data fields are frozen. */
function frozenData(fields: string[]) {
  return (obj: Obj, old: Obj): FieldError[] => {
    if (old.immutable !== true) return [];
    const errs: FieldError[] = [];
    if (obj.immutable !== true) errs.push(fieldErrors.forbidden('immutable', IMMUTABLE_SET));
    for (const f of fields) if (JSON.stringify(obj[f] ?? {}) !== JSON.stringify(old[f] ?? {})) errs.push(fieldErrors.forbidden(f, IMMUTABLE_SET));
    return errs;
  };
}

export const configMapRules: KindRules = { validate: validateConfigMap, validateUpdate: frozenData(['data', 'binaryData']) };

export const secretRules: KindRules = {
  validate: validateSecret,
  validateUpdate: (obj, old) => [...(obj.type !== old.type ? [immutable('type', obj.type ?? '')] : []), ...frozenData(['data'])(obj, old)],
};
