// Core kinds that carry pods: Pod, PodTemplate, ReplicationController.
import { fieldErrors } from '../errors.js';
import { nonNegative, validateReplicatedTemplate } from './apps.js';
import { validateLabels } from './object-meta.js';
import { validatePodSpec, validatePodTemplate } from './pod.js';
import { validatePodSpecUpdate } from './pod-update.js';
import type { KindRules, Obj } from './types.js';

/** An RC selects by plain labels: a non-empty map that its template's labels must contain. */
function validateReplicationController(rc: Obj) {
  const spec = rc.spec ?? {};
  const selector: Record<string, string> = spec.selector ?? {};
  const errs = [...nonNegative(spec, ['minReadySeconds', 'replicas'], 'spec')];
  if (!Object.keys(selector).length) errs.push(fieldErrors.required('spec.selector'));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const labels = spec.template?.metadata?.labels ?? {};
  const matches = Object.entries(selector).every(([k, v]) => labels[k] === v);
  errs.push(...validateReplicatedTemplate(spec.template, matches, 'spec.template', 'ReplicationController'));
  return errs;
}

export const coreWorkloadRules: Record<string, KindRules> = {
  Pod: {
    validate: o => validatePodSpec(o.spec, 'spec'),
    validateUpdate: (o, old) => validatePodSpecUpdate(o.spec ?? {}, old.spec ?? {}),
  },
  PodTemplate: { validate: o => validatePodTemplate(o.template, 'template') },
  ReplicationController: { validate: validateReplicationController },
};
