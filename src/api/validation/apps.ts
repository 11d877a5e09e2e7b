// apps/v1 workloads (pkg/apis/apps/validation): selectors that select their own templates,
// replica counts, update strategies, and what an update may not change.
import { fieldErrors, type FieldError } from '../errors.js';
import { goLabelSelector, goStringMap, invalidGo } from './go-value.js';
import { intOrPercent } from './names.js';
import { immutable, validateAnnotations, validateLabels } from './object-meta.js';
import { validatePodTemplate } from './pod.js';
import { isEmptySelector, selectorMatches, validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';

/**
 * A template a controller stamps out forever: it must carry the selector's labels and restart Always.
 * A StatefulSet's template (ValidatePodTemplateSpecForStatefulSet) gets labels and annotations only:
 * upstream leaves its pod spec to pod creation, because its containers mount volumes that exist only
 * once the claim templates are stamped out — checking it as a pod would refuse the canonical
 * `volumeMounts: [{name: <claim template>}]`. (Upstream reports those labels at `<path>.labels`.)
 */
export function validateReplicatedTemplate(template: Obj | undefined, matches: boolean, path: string, owner: string): FieldError[] {
  if (!template) return [fieldErrors.required(path)];
  const errs: FieldError[] = [];
  if (!matches) errs.push(invalidGo(`${path}.metadata.labels`, goStringMap(template.metadata?.labels), '`selector` does not match template `labels`', template.metadata?.labels));
  if (owner === 'StatefulSet') errs.push(...validateLabels(template.metadata?.labels, `${path}.labels`), ...validateAnnotations(template.metadata?.annotations, `${path}.annotations`));
  else errs.push(...validatePodTemplate(template, path));
  const rp = template.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(fieldErrors.notSupported(`${path}.spec.restartPolicy`, rp ?? '', ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined) errs.push(fieldErrors.forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${owner} is not Supported`));
  return errs;
}

export function nonNegative(spec: Obj, fields: string[], path: string): FieldError[] {
  return fields
    .filter(f => spec[f] !== undefined && !(Number.isInteger(spec[f]) && spec[f] >= 0))
    .map(f => fieldErrors.invalid(`${path}.${f}`, spec[f], 'must be greater than or equal to 0'));
}

/** Selector required and non-empty, then the template it must select. */
function validateSelectorAndTemplate(spec: Obj, owner: string, emptyWhat: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec.selector;
  if (!sel) errs.push(fieldErrors.required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (isEmptySelector(sel)) errs.push(invalidGo('spec.selector', goLabelSelector(sel), `empty selector is invalid for ${emptyWhat}`, sel));
  }
  // An empty or missing selector matches nothing worth checking: its own error says why.
  const matches = !sel || isEmptySelector(sel) || selectorMatches(sel, spec.template?.metadata?.labels);
  errs.push(...validateReplicatedTemplate(spec.template, matches, 'spec.template', owner));
  return errs;
}

const RETENTION_POLICIES = ['Retain', 'Delete'];

function validateRetentionPolicy(policy: Obj | undefined, path: string): FieldError[] {
  if (!policy) return [];
  return ['whenDeleted', 'whenScaled']
    .filter(f => !RETENTION_POLICIES.includes(policy[f]))
    .map(f => fieldErrors.notSupported(`${path}.${f}`, policy[f] ?? '', RETENTION_POLICIES));
}

function validateSelectorUnchanged(obj: Obj, old: Obj): FieldError[] {
  if (JSON.stringify(obj.spec?.selector ?? null) === JSON.stringify(old.spec?.selector ?? null)) return [];
  return [invalidGo('spec.selector', goLabelSelector(obj.spec?.selector), 'field is immutable', obj.spec?.selector)];
}

function validateRollingUpdateBounds(ru: Obj, path: string, surgeAllowed: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['maxUnavailable', 'maxSurge']) {
    if (ru[f] === undefined) continue;
    for (const msg of intOrPercent(ru[f])) errs.push(fieldErrors.invalid(`${path}.${f}`, ru[f], msg));
    if (typeof ru[f] === 'string' && parseInt(ru[f], 10) > 100) errs.push(fieldErrors.invalid(`${path}.${f}`, ru[f], 'must not be greater than 100%'));
  }
  if (surgeAllowed && isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
    errs.push(invalidGo(`${path}.maxUnavailable`, String(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0', ru.maxUnavailable));
  }
  return errs;
}

const isZero = (v: unknown) => v === 0 || v === '0%' || v === undefined;

function validateDeploymentStrategy(s: Obj | undefined): FieldError[] {
  if (!s) return [];
  if (s.type === 'Recreate') {
    return s.rollingUpdate ? [fieldErrors.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (s.type === 'RollingUpdate') {
    if (!s.rollingUpdate) return [fieldErrors.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
    return validateRollingUpdateBounds(s.rollingUpdate, 'spec.strategy.rollingUpdate', true);
  }
  return [fieldErrors.notSupported('spec.strategy.type', s.type ?? '', ['Recreate', 'RollingUpdate'])];
}

const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export const appsRules: Record<string, KindRules> = {
  Deployment: {
    validate(o) {
      const spec = o.spec ?? {};
      const errs = [
        ...nonNegative(spec, ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds'], 'spec'),
        ...validateSelectorAndTemplate(spec, 'ReplicaSet', 'deployment'),
        ...validateDeploymentStrategy(spec.strategy),
      ];
      if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
        errs.push(fieldErrors.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
      }
      return errs;
    },
    validateUpdate: validateSelectorUnchanged,
  },
  ReplicaSet: {
    validate: o => [
      ...nonNegative(o.spec ?? {}, ['replicas', 'minReadySeconds'], 'spec'),
      ...validateSelectorAndTemplate(o.spec ?? {}, 'ReplicaSet', 'deployment'),
    ],
    validateUpdate: validateSelectorUnchanged,
  },
  DaemonSet: {
    validate(o) {
      const spec = o.spec ?? {};
      const errs = [...nonNegative(spec, ['minReadySeconds', 'revisionHistoryLimit'], 'spec'), ...validateSelectorAndTemplate(spec, 'DaemonSet', 'daemonset')];
      const s = spec.updateStrategy ?? {};
      if (s.type === 'RollingUpdate' && s.rollingUpdate) {
        const ru = s.rollingUpdate;
        const p = 'spec.updateStrategy.rollingUpdate';
        errs.push(...validateRollingUpdateBounds(ru, p, false));
        // A daemon set either surges or takes pods down first, never both.
        if (!isZero(ru.maxUnavailable) && !isZero(ru.maxSurge)) errs.push(invalidGo(`${p}.maxSurge`, String(ru.maxSurge), 'may not be set when maxUnavailable is non-zero', ru.maxSurge));
        if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) errs.push(fieldErrors.required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      } else if (s.type !== 'OnDelete' && s.type !== 'RollingUpdate') {
        errs.push(fieldErrors.notSupported('spec.updateStrategy.type', s.type ?? '', ['RollingUpdate', 'OnDelete']));
      }
      return errs;
    },
    validateUpdate: validateSelectorUnchanged,
  },
  StatefulSet: {
    validate(o) {
      const spec = o.spec ?? {};
      const errs = [...nonNegative(spec, ['replicas', 'minReadySeconds', 'revisionHistoryLimit'], 'spec'), ...validateSelectorAndTemplate(spec, 'StatefulSet', 'statefulset')];
      errs.push(...validateRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy, 'spec.persistentVolumeClaimRetentionPolicy'));
      if (!['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy)) {
        errs.push(fieldErrors.notSupported('spec.podManagementPolicy', spec.podManagementPolicy ?? '', ['OrderedReady', 'Parallel']));
      }
      const s = spec.updateStrategy ?? {};
      if (s.type === 'OnDelete' && s.rollingUpdate) {
        errs.push(fieldErrors.invalid('spec.updateStrategy.rollingUpdate', s.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      } else if (s.type !== 'OnDelete' && s.type !== 'RollingUpdate') {
        errs.push(fieldErrors.notSupported('spec.updateStrategy.type', s.type ?? '', ['OnDelete', 'RollingUpdate']));
      }
      errs.push(...nonNegative(s.rollingUpdate ?? {}, ['partition'], 'spec.updateStrategy.rollingUpdate'));
      return errs;
    },
    validateUpdate(o, old) {
      const strip = (spec: Obj | undefined) => JSON.stringify(Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !STATEFULSET_MUTABLE.includes(k)).sort()));
      if (strip(o.spec) === strip(old.spec)) return [];
      return [fieldErrors.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
    },
  },
  ControllerRevision: {
    validate: o => (o.revision !== undefined && o.revision < 0 ? [fieldErrors.invalid('revision', o.revision, 'must be greater than or equal to 0')] : []),
    validateUpdate: (o, old) => (JSON.stringify(o.data ?? null) !== JSON.stringify(old.data ?? null) ? [immutable('data', o.data)] : []),
  },
};
