// Leases (coordination.k8s.io) and Events (core and events.k8s.io): small kinds written by
// components, validated so that a buggy writer is told why.
import { fieldErrors, type FieldError } from '../errors.js';
import type { KindRules, Obj } from './types.js';

const EVENT_TYPES = ['Normal', 'Warning'];

function validateLease(lease: Obj): FieldError[] {
  const spec = lease.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds !== undefined && !(spec.leaseDurationSeconds > 0)) errs.push(fieldErrors.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) errs.push(fieldErrors.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  return errs;
}

/** core/v1 Events: the event lives beside what it is about. */
function validateCoreEvent(ev: Obj): FieldError[] {
  const ns = ev.involvedObject?.namespace;
  if (ns && ns !== ev.metadata?.namespace) return [fieldErrors.invalid('involvedObject.namespace', ns, 'does not match event.namespace')];
  return [];
}

/** events.k8s.io/v1 requires the fields that the new event API reports by. */
function validateEventsV1(ev: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!ev.eventTime) errs.push(fieldErrors.required('eventTime'));
  for (const f of ['reportingController', 'reportingInstance', 'action', 'reason']) if (!ev[f]) errs.push(fieldErrors.required(f));
  if (!EVENT_TYPES.includes(ev.type)) errs.push(fieldErrors.notSupported('type', ev.type ?? '', EVENT_TYPES));
  const ns = ev.regarding?.namespace;
  if (ns && ns !== ev.metadata?.namespace) errs.push(fieldErrors.invalid('regarding.namespace', ns, 'does not match event.namespace'));
  return errs;
}

export const leaseRules: KindRules = { validate: validateLease };
export const coreEventRules: KindRules = { validate: validateCoreEvent };
export const eventsV1Rules: KindRules = { validate: validateEventsV1 };
