// Query parameters shared by the resource verbs, parsed once with upstream's validation.
import { BadRequestError } from '../../api/errors.js';
import type { DeleteOptions } from '../../api/object.js';
import type { FieldValidation } from '../context.js';
import { FieldSelector } from '../../api/selectors/field-selector.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { ListOptions } from '../registry/generic-store.js';

export function listOptions(q: URLSearchParams): ListOptions {
  const rvMatch = q.get('resourceVersionMatch') ?? undefined;
  if (rvMatch && !['Exact', 'NotOlderThan'].includes(rvMatch)) {
    throw new BadRequestError(`resourceVersionMatch: Unsupported value: "${rvMatch}": supported values: "Exact", "NotOlderThan"`);
  }
  const resourceVersion = q.get('resourceVersion') || undefined;
  if (resourceVersion !== undefined) checkResourceVersion(resourceVersion);
  // Upstream lists everything for a limit of 0 or less.
  const limit = int64Param(q, 'limit');
  return {
    labelSelector: LabelSelector.parse(q.get('labelSelector')),
    fieldSelector: FieldSelector.parse(q.get('fieldSelector')),
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continue: q.get('continue') || undefined,
    resourceVersion,
    resourceVersionMatch: rvMatch,
  };
}

/**
 * A resourceVersion must be what the store hands out, a decimal revision: upstream's versioner
 * parses it with strconv.ParseUint and answers anything else with a 400.
 */
function checkResourceVersion(rv: string): void {
  const problem = !/^[0-9]+$/.test(rv) ? 'invalid syntax' : BigInt(rv) > UINT64_MAX ? 'value out of range' : undefined;
  if (problem) {
    throw new BadRequestError(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: ${problem}`);
  }
}

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An integer query parameter (limit, timeoutSeconds, gracePeriodSeconds), read as upstream's
 * parameter codec reads it into an int64: surrounding spaces and an empty value are fine,
 * anything else that strconv.ParseInt refuses is a 400 with its error.
 */
export function int64Param(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  const problem = !/^[+-]?[0-9]+$/.test(text) ? 'invalid syntax'
    : BigInt(text) < INT64_MIN || BigInt(text) > INT64_MAX ? 'value out of range' : undefined;
  if (problem) throw new BadRequestError(`strconv.ParseInt: parsing ${JSON.stringify(text)}: ${problem}`);
  return Number(text);
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
  const grace = int64Param(q, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
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
