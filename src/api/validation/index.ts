// Validation entry points the generic store calls on create and update: ObjectMeta for every
// kind, plus each kind's own rules.
import { fieldErrors, type FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { validateConfigMap, validateImmutableData, validateSecret } from './config.js';
import { nameValidatorFor, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodSpec, validatePodSpecUpdate } from './pod.js';
import { validateService, validateServiceUpdate } from './service.js';
import { cronScheduleError, validateDeploymentStrategy, validateSelectorImmutable, validateTemplateWorkload } from './workloads.js';

type Obj = Record<string, any>;

export interface ValidationOptions {
  namespaced: boolean;
}

const ALWAYS = ['Always'];
const JOB_POLICIES = ['OnFailure', 'Never'];

function kindRules(group: string, kind: string, obj: Obj): FieldError[] {
  switch (`${group}/${kind}`) {
    case '/Pod': return validatePodSpec(obj.spec, 'spec');
    case '/PodTemplate': return validatePodSpec(obj.template?.spec, 'template.spec');
    case '/Service': return validateService(obj);
    case '/ConfigMap': return validateConfigMap(obj);
    case '/Secret': return validateSecret(obj);
    case '/ReplicationController': return validateTemplateWorkload({ ...obj, spec: { ...obj.spec, selector: obj.spec?.selector ? { matchLabels: obj.spec.selector } : undefined } }, { selectorRequired: true, restartPolicies: ALWAYS });
    case 'apps/Deployment': return [...validateTemplateWorkload(obj, { selectorRequired: true, restartPolicies: ALWAYS }), ...validateDeploymentStrategy(obj.spec ?? {})];
    case 'apps/ReplicaSet': case 'apps/StatefulSet': case 'apps/DaemonSet':
      return validateTemplateWorkload(obj, { selectorRequired: true, restartPolicies: ALWAYS });
    case 'batch/Job': return validateJobSpec(obj.spec ?? {}, 'spec');
    case 'batch/CronJob': {
      const errs: FieldError[] = [];
      const schedule = obj.spec?.schedule;
      if (!schedule) errs.push(fieldErrors.required('spec.schedule'));
      else {
        const why = cronScheduleError(String(schedule));
        if (why) errs.push(fieldErrors.invalid('spec.schedule', schedule, why));
      }
      if (obj.spec?.concurrencyPolicy && !['Allow', 'Forbid', 'Replace'].includes(obj.spec.concurrencyPolicy)) {
        errs.push(fieldErrors.notSupported('spec.concurrencyPolicy', obj.spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
      }
      errs.push(...validateJobSpec(obj.spec?.jobTemplate?.spec ?? {}, 'spec.jobTemplate.spec'));
      return errs;
    }
    case 'policy/PodDisruptionBudget':
      return obj.spec?.minAvailable !== undefined && obj.spec?.maxUnavailable !== undefined
        ? [fieldErrors.invalid('spec', obj.spec, 'minAvailable and maxUnavailable cannot be both set')] : [];
    case 'autoscaling/HorizontalPodAutoscaler':
      return obj.spec?.maxReplicas !== undefined && obj.spec.maxReplicas < (obj.spec.minReplicas ?? 1)
        ? [fieldErrors.invalid('spec.maxReplicas', obj.spec.maxReplicas, 'must be greater than or equal to `minReplicas`')] : [];
    default: return [];
  }
}

function validateJobSpec(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit']) {
    if (spec[f] !== undefined && !(Number.isInteger(spec[f]) && spec[f] >= 0)) errs.push(fieldErrors.invalid(`${path}.${f}`, spec[f], 'must be greater than or equal to 0'));
  }
  const template = spec.template;
  if (!template) return [...errs, fieldErrors.required(`${path}.template`)];
  errs.push(...validatePodSpec(template.spec, `${path}.template.spec`));
  const rp = template.spec?.restartPolicy;
  if (!JOB_POLICIES.includes(rp)) errs.push(fieldErrors.notSupported(`${path}.template.spec.restartPolicy`, rp ?? '', JOB_POLICIES));
  return errs;
}

export function validateCreate(group: string, _version: string, kind: string, obj: KubeObject, opts: ValidationOptions): FieldError[] {
  return [...validateObjectMeta(obj, opts.namespaced, nameValidatorFor(group, kind)), ...kindRules(group, kind, obj as Obj)];
}

export function validateUpdate(group: string, _version: string, kind: string, obj: KubeObject, old: KubeObject, opts: ValidationOptions): FieldError[] {
  const errs = [...validateObjectMeta(obj, opts.namespaced, nameValidatorFor(group, kind)), ...validateObjectMetaUpdate(obj, old)];
  const o = obj as Obj;
  const p = old as Obj;
  switch (`${group}/${kind}`) {
    case '/Pod': return [...errs, ...validatePodSpec(o.spec, 'spec'), ...validatePodSpecUpdate(o.spec ?? {}, p.spec ?? {})];
    case '/Service': return [...errs, ...validateServiceUpdate(o, p)];
    case '/ConfigMap': return [...errs, ...validateConfigMap(o), ...validateImmutableData(o, p, ['data', 'binaryData'])];
    case '/Secret': return [...errs, ...validateSecret(o), ...validateImmutableData(o, p, ['data'])];
    case 'apps/Deployment': case 'apps/ReplicaSet': case 'apps/StatefulSet': case 'apps/DaemonSet': case 'batch/Job':
      return [...errs, ...kindRules(group, kind, o), ...validateSelectorImmutable(o, p)];
    case 'rbac.authorization.k8s.io/RoleBinding': case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      return JSON.stringify(o.roleRef) === JSON.stringify(p.roleRef) ? errs : [...errs, fieldErrors.invalid('roleRef', o.roleRef, 'cannot change roleRef')];
    default: return [...errs, ...kindRules(group, kind, o)];
  }
}
