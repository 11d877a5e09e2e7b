// Container resource requirements (ValidateContainerResourceRequirements): names, quantities,
// and requests within limits.
import { fieldErrors, type FieldError } from '../errors.js';
import { qualifiedName } from './names.js';
import { compareQuantities, formatQuantity, parseQuantity, quantityError, scaledValue, type Quantity } from '../quantity.js';
import type { Obj } from './types.js';

const REQUESTS_PREFIX = 'requests.';
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** Native resources are unprefixed or kubernetes.io-prefixed; everything else is extended. */
const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
export const isHugePages = (name: string) => name.startsWith('hugepages-');

/** Upstream's IsExtendedResourceName: not native, and `requests.<name>` is a qualified name (its quota key). */
export const isExtendedResourceName = (name: string) =>
  !isNative(name) && !name.startsWith(REQUESTS_PREFIX) && qualifiedName(`${REQUESTS_PREFIX}${name}`).length === 0;
// Extended resources and huge pages cannot be overcommitted: requests must equal limits.
export const isOvercommitAllowed = (name: string) => isNative(name) && !isHugePages(name);

export function validateResourceRequirements(res: Obj | undefined, path: string): FieldError[] {
  if (!res) return [];
  const errs: FieldError[] = [];
  const limits = parsedList(res.limits, `${path}.limits`, errs);
  const requests = parsedList(res.requests, `${path}.requests`, errs);
  for (const [name, request] of requests) {
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(request, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(fieldErrors.invalid(`${path}.requests`, formatQuantity(request), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(fieldErrors.invalid(`${path}.requests`, formatQuantity(request), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(fieldErrors.required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

/** Validates each entry's name and value; returns the entries that parsed. */
function parsedList(list: Obj | undefined, path: string, errs: FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const p = `${path}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const bad = quantityError(raw);
    if (bad) {
      errs.push(fieldErrors.invalid(p, raw, bad));
      continue;
    }
    const q = parseQuantity(raw as string | number);
    if (q.digits < 0n) errs.push(fieldErrors.invalid(p, formatQuantity(q), 'must be greater than or equal to 0'));
    if (!isNative(name) && scaledValue(q, -3) % 1000n !== 0n) errs.push(fieldErrors.invalid(p, formatQuantity(q), 'must be an integer'));
    out.set(name, q);
  }
  return out;
}

export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = qualifiedName(name).map(msg => fieldErrors.invalid(path, name, msg));
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(fieldErrors.invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && name.startsWith(REQUESTS_PREFIX)) {
    errs.push(fieldErrors.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}
