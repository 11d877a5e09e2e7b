// Query parameters shared by the resource verbs, parsed once with upstream's validation.
import { BadRequestError } from '../../api/errors.js';
import type { DeleteOptions } from '../../api/object.js';
import type { FieldValidation } from '../context.js';
import { FieldSelector } from '../../api/selectors/field-selector.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { ListOptions } from '../registry/generic-store.js';

export function listOptions(q: URLSearchParams): ListOptions {
  const limit = q.get('limit');
  const rvMatch = q.get('resourceVersionMatch') ?? undefined;
  if (rvMatch && !['Exact', 'NotOlderThan'].includes(rvMatch)) {
    throw new BadRequestError(`resourceVersionMatch: Unsupported value: "${rvMatch}": supported values: "Exact", "NotOlderThan"`);
  }
  return {
    labelSelector: LabelSelector.parse(q.get('labelSelector')),
    fieldSelector: FieldSelector.parse(q.get('fieldSelector')),
    limit: limit ? nonNegativeInt('limit', limit) : undefined,
    continue: q.get('continue') || undefined,
    resourceVersion: q.get('resourceVersion') || undefined,
    resourceVersionMatch: rvMatch,
  };
}

export function nonNegativeInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestError(`${name}: Invalid value: "${v}": must be a non-negative integer`);
  return n;
}

export function isDryRun(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  for (const d of v) if (d !== 'All') throw new BadRequestError(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  return v.length > 0;
}

export function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (!v) return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw new BadRequestError(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

/** Delete options come from the body (DeleteOptions) and/or query parameters, query winning. */
export function deleteOptions(q: URLSearchParams, body: Record<string, any> | undefined): DeleteOptions {
  const opts: DeleteOptions = { ...(body ?? {}) };
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null) opts.gracePeriodSeconds = Number(grace);
  const policy = q.get('propagationPolicy');
  if (policy !== null) {
    if (!['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw new BadRequestError(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  const orphan = q.get('orphanDependents');
  if (orphan !== null) opts.orphanDependents = boolParam(q, 'orphanDependents');
  if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)) {
    opts.gracePeriodSeconds = 0;
  }
  return opts;
}

/** Boolean query parameters as Go's strconv.ParseBool reads them (clients send `true`, `True`, `1`). */
export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}
