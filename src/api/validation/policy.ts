// PodDisruptionBudgets (policy/v1) and HorizontalPodAutoscalers (autoscaling).
import { fieldErrors, type FieldError } from '../errors.js';
import { invalidGo } from './go-value.js';
import { intOrPercent, pathSegmentName } from './names.js';
import { validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';

function validateBudgetBound(v: unknown, path: string): FieldError[] {
  if (v === undefined) return [];
  const errs = intOrPercent(v).map(msg => fieldErrors.invalid(path, v, msg));
  if (typeof v === 'string' && parseInt(v, 10) > 100) errs.push(fieldErrors.invalid(path, v, 'must not be greater than 100%'));
  return errs;
}

function validatePodDisruptionBudget(pdb: Obj): FieldError[] {
  const spec = pdb.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalidGo('spec', 'policy.PodDisruptionBudgetSpec{...}', 'minAvailable and maxUnavailable cannot be both set', spec));
  }
  errs.push(...validateBudgetBound(spec.minAvailable, 'spec.minAvailable'));
  errs.push(...validateBudgetBound(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !['AlwaysAllow', 'IfHealthyBudget'].includes(policy)) {
    errs.push(fieldErrors.notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

function validateHorizontalPodAutoscaler(hpa: Obj): FieldError[] {
  const spec = hpa.spec ?? {};
  const errs: FieldError[] = [];
  const ref = spec.scaleTargetRef ?? {};
  for (const f of ['kind', 'name']) {
    if (!ref[f]) errs.push(fieldErrors.required(`spec.scaleTargetRef.${f}`));
    else for (const msg of pathSegmentName(ref[f])) errs.push(fieldErrors.invalid(`spec.scaleTargetRef.${f}`, ref[f], msg));
  }
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) errs.push(fieldErrors.invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  if (!(spec.maxReplicas >= 1)) errs.push(fieldErrors.invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) errs.push(fieldErrors.invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  const cpu = spec.targetCPUUtilizationPercentage;
  if (cpu !== undefined && cpu < 1) errs.push(fieldErrors.invalid('spec.targetCPUUtilizationPercentage', cpu, 'must be greater than or equal to 1'));
  return errs;
}

export const pdbRules: KindRules = { validate: validatePodDisruptionBudget };
export const hpaRules: KindRules = { validate: validateHorizontalPodAutoscaler };
