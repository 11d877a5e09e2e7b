// What a pod update may change (ValidatePodUpdate): a running pod's spec is fixed except for
// images, a shorter deadline, extra tolerations, a corrected grace period and removed gates.
import { fieldErrors, type FieldError } from '../errors.js';
import type { Obj } from './types.js';

const UPDATABLE = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export function validatePodSpecUpdate(spec: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (old.activeDeadlineSeconds !== undefined) {
    if (spec.activeDeadlineSeconds === undefined) errs.push(fieldErrors.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
    else if (spec.activeDeadlineSeconds > old.activeDeadlineSeconds) errs.push(fieldErrors.invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be less than or equal to previous value'));
  }
  ((old.tolerations ?? []) as Obj[]).forEach((t, i) => {
    if (!(spec.tolerations ?? []).some((n: Obj) => sameToleration(n, t))) {
      errs.push(fieldErrors.forbidden(`spec.tolerations[${i}]`, 'existing toleration can not be modified except its tolerationSeconds'));
    }
  });
  if (comparable(spec, old) !== comparable(old, old)) errs.push(fieldErrors.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE.join(',')}`));
  return errs;
}

function sameToleration(a: Obj, b: Obj): boolean {
  return ['key', 'operator', 'value', 'effect'].every(k => (a[k] ?? '') === (b[k] ?? ''));
}

/** The spec with every updatable field replaced by the old spec's value, as JSON. */
function comparable(spec: Obj, old: Obj): string {
  const s = structuredClone(spec);
  for (const list of ['containers', 'initContainers']) {
    (s[list] as Obj[] | undefined)?.forEach((c, i) => {
      if (old[list]?.[i]) c.image = old[list][i].image;
    });
  }
  s.activeDeadlineSeconds = old.activeDeadlineSeconds;
  s.tolerations = old.tolerations;
  if ((old.terminationGracePeriodSeconds ?? 0) < 0 && s.terminationGracePeriodSeconds === 1) s.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  // Scheduling gates may only be removed; what a gated pod may add to its scheduling constraints
  // is left to the scheduler side. Ephemeral containers change through their own subresource.
  if ((s.schedulingGates ?? []).every((g: Obj) => (old.schedulingGates ?? []).some((o: Obj) => o.name === g.name))) s.schedulingGates = old.schedulingGates;
  s.ephemeralContainers = old.ephemeralContainers;
  return stableJson(s);
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) => (val && typeof val === 'object' && !Array.isArray(val)
    ? Object.fromEntries(Object.keys(val).sort().filter(k => val[k] !== undefined).map(k => [k, val[k]]))
    : val));
}
