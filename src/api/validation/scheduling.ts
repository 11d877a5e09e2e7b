// scheduling.k8s.io/v1 PriorityClass: user values stay below the system range, and never change.
import { fieldErrors, type FieldError } from '../errors.js';
import { SYSTEM_PRIORITY_CLASSES } from '../system-priority-classes.js';
import { immutable } from './object-meta.js';
import type { KindRules, Obj } from './types.js';

const HIGHEST_USER_PRIORITY = 1000000000;
const SYSTEM_PREFIX = 'system-';
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

function validatePriorityClass(pc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const name: string = pc.metadata?.name ?? '';
  if (name.startsWith(SYSTEM_PREFIX)) {
    const why = systemClassError(name, pc.value, pc.globalDefault === true);
    if (why) errs.push(fieldErrors.forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}`));
  } else if (pc.value > HIGHEST_USER_PRIORITY) {
    errs.push(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  if (pc.preemptionPolicy !== undefined && !PREEMPTION_POLICIES.includes(pc.preemptionPolicy)) {
    errs.push(fieldErrors.notSupported('preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES));
  }
  return errs;
}

function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const want = SYSTEM_PRIORITY_CLASSES.find(c => c.name === name)?.value;
  if (want === undefined) return `${name} is not a known system priority class`;
  if (value !== want) return `value of ${name} PriorityClass must be ${want}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export const priorityClassRules: KindRules = {
  validate: validatePriorityClass,
  validateUpdate(pc, old) {
    const errs: FieldError[] = [];
    if (pc.value !== old.value) errs.push(fieldErrors.forbidden('value', 'may not be changed in an update.'));
    if ((pc.preemptionPolicy ?? '') !== (old.preemptionPolicy ?? '')) errs.push(immutable('preemptionPolicy', pc.preemptionPolicy ?? ''));
    return errs;
  },
};
