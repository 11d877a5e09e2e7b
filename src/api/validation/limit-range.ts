// core/v1 LimitRange (upstream ValidateLimitRange): one item per type, resource names a type
// allows, no defaults for type Pod, a storage bound for type PersistentVolumeClaim, and for each
// resource min <= defaultRequest <= default <= max with a ratio of at least 1 and at most max/min.
import { fieldErrors, type FieldError } from '../errors.js';
import { compareQuantities, formatQuantity, milliValue, parseQuantity, quantityError, scaledValue, type Quantity } from '../quantity.js';
import { goQuantity, invalidGo } from './go-value.js';
import { qualifiedName } from './names.js';
import { validateContainerResourceName, isOvercommitAllowed } from './resources.js';
import type { KindRules, Obj } from './types.js';

const STANDARD_LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const MAX_MILLI_VALUE = 9223372036854775n;

function validateTypeName(type: string, path: string): FieldError[] {
  const errs = qualifiedName(type).map(msg => fieldErrors.invalid(path, type, msg));
  if (errs.length) return errs;
  if (!type.includes('/') && !STANDARD_LIMIT_TYPES.has(type)) return [fieldErrors.invalid(path, type, 'must be a standard limit type or fully qualified')];
  return [];
}

function validateResourceName(type: string, name: string, path: string): FieldError[] {
  if (type === 'Pod' || type === 'Container') return validateContainerResourceName(name, path);
  const errs = qualifiedName(name).map(msg => fieldErrors.invalid(path, name, msg));
  if (errs.length) return errs;
  const hugePages = /^(requests\.|limits\.)?hugepages-/.test(name);
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !hugePages) return [fieldErrors.invalid(path, name, 'must be a standard resource type or fully qualified')];
  return [];
}

function validateLimitRange(lr: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  (lr.spec?.limits ?? []).forEach((item: Obj, i: number) => {
    const at = `spec.limits[${i}]`;
    const type = String(item.type ?? '');
    errs.push(...validateTypeName(type, `${at}.type`));
    if (seenTypes.has(type)) errs.push(fieldErrors.duplicate(`${at}.type`, type));
    seenTypes.add(type);

    const lists: Record<string, Map<string, Quantity>> = {};
    const keys = new Set<string>();
    const collect = (field: string) => {
      lists[field] = new Map();
      for (const [k, v] of Object.entries((item[field] ?? {}) as Record<string, string | number>)) {
        errs.push(...validateResourceName(type, k, `${at}.${field}[${k}]`));
        keys.add(k);
        const bad = quantityError(v);
        if (bad) errs.push(fieldErrors.invalid(`${at}.${field}[${k}]`, v, bad));
        else lists[field].set(k, parseQuantity(v));
      }
    };
    collect('max');
    collect('min');
    if (type === 'Pod') {
      if (Object.keys(item.default ?? {}).length) errs.push(fieldErrors.forbidden(`${at}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(item.defaultRequest ?? {}).length) errs.push(fieldErrors.forbidden(`${at}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
      lists.default = new Map();
      lists.defaultRequest = new Map();
    } else {
      collect('default');
      collect('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !lists.min.has('storage') && !lists.max.has('storage')) {
      errs.push(fieldErrors.required(`${at}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    collect('maxLimitRequestRatio');

    for (const k of [...keys].sort()) {
      const min = lists.min.get(k);
      const max = lists.max.get(k);
      const def = lists.default.get(k);
      const defReq = lists.defaultRequest.get(k);
      const ratio = lists.maxLimitRequestRatio.get(k);
      const s = formatQuantity;
      const bad = (field: string, q: Quantity, detail: string) => errs.push(invalidGo(`${at}.${field}[${k}]`, goQuantity(s(q)), detail, s(q)));
      if (min && max && compareQuantities(min, max) > 0) bad('min', min, `min value ${s(min)} is greater than max value ${s(max)}`);
      if (defReq && min && compareQuantities(min, defReq) > 0) bad('defaultRequest', defReq, `min value ${s(min)} is greater than default request value ${s(defReq)}`);
      if (defReq && max && compareQuantities(defReq, max) > 0) bad('defaultRequest', defReq, `default request value ${s(defReq)} is greater than max value ${s(max)}`);
      if (defReq && def && compareQuantities(defReq, def) > 0) bad('defaultRequest', defReq, `default request value ${s(defReq)} is greater than default limit value ${s(def)}`);
      if (def && min && compareQuantities(min, def) > 0) bad('default', min, `min value ${s(min)} is greater than default value ${s(def)}`);
      if (def && max && compareQuantities(def, max) > 0) bad('default', max, `default value ${s(def)} is greater than max value ${s(max)}`);
      if (ratio && compareQuantities(ratio, parseQuantity(1)) < 0) bad('maxLimitRequestRatio', ratio, `ratio ${s(ratio)} is less than 1`);
      if (ratio && min && max) {
        const precise = scaledValue(ratio) < MAX_MILLI_VALUE && scaledValue(min) < MAX_MILLI_VALUE && scaledValue(max) < MAX_MILLI_VALUE;
        const ratioValue = precise ? Number(milliValue(ratio)) / 1000 : Number(scaledValue(ratio));
        const limit = precise ? Number(milliValue(max)) / Number(milliValue(min)) : Number(scaledValue(max)) / Number(scaledValue(min));
        if (ratioValue > limit) bad('maxLimitRequestRatio', ratio, `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`);
      }
      if (!isOvercommitAllowed(k) && def && defReq && compareQuantities(def, defReq) !== 0) {
        bad('defaultRequest', defReq, `default value ${s(def)} must equal to defaultRequest value ${s(defReq)} in ${k}`);
      }
    }
  });
  return errs;
}

export const limitRangeRules: KindRules = { validate: validateLimitRange };
