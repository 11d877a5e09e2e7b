// Events, core/v1 and events.k8s.io/v1 (upstream pkg/registry/core/event; events.k8s.io is served
// from the same storage upstream): recorders may PUT an event that does not exist yet, and clients
// select them by the object they are about.
import { coreEventRules, eventsV1Rules } from '../../../api/validation/coordination-events.js';
import type { FieldGetter } from '../../../api/selectors/field-selector.js';
import type { ResourceStrategy } from '../strategy.js';

const coreEventFields: Record<string, FieldGetter> = {
  'involvedObject.kind': o => o.involvedObject?.kind,
  'involvedObject.namespace': o => o.involvedObject?.namespace,
  'involvedObject.name': o => o.involvedObject?.name,
  'involvedObject.uid': o => o.involvedObject?.uid,
  'involvedObject.apiVersion': o => o.involvedObject?.apiVersion,
  'involvedObject.resourceVersion': o => o.involvedObject?.resourceVersion,
  'involvedObject.fieldPath': o => o.involvedObject?.fieldPath,
  'reason': o => o.reason,
  'reportingComponent': o => o.reportingComponent,
  'source': o => o.source?.component,
  'type': o => o.type,
};

export const coreEventStrategy: ResourceStrategy = {
  rules: coreEventRules,
  fieldSelectors: coreEventFields,
  allowCreateOnUpdate: true,
};

export const eventsV1Strategy: ResourceStrategy = {
  rules: eventsV1Rules,
  fieldSelectors: {
    'regarding.kind': o => o.regarding?.kind, 'regarding.namespace': o => o.regarding?.namespace,
    'regarding.name': o => o.regarding?.name, 'regarding.uid': o => o.regarding?.uid,
    'reason': o => o.reason, 'reportingController': o => o.reportingController, 'type': o => o.type,
  },
  allowCreateOnUpdate: true,
};
