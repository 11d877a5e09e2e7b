// What every explanation shares: the object's events, its conditions, its owner chain, and the
// document's envelope. Pure functions over objects the handler has gathered.
import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { CoreV1Event } from '../../api/types/generated.js';
import { WHY_GROUP, WHY_VERSION, worstSeverity, type Explanation, type ExplanationSection, type Finding, type Severity } from '../../api/why.js';

export type Event = CoreV1Event;

/** A condition of any kind: pods', deployments', nodes', or metav1.Condition. */
export interface AnyCondition { type: string; status: string; reason?: string; message?: string }

/** One link of the owner chain: the reference, and the owner when it still exists. */
export interface OwnerLink { ref: OwnerReference; object?: KubeObject }

/** When the event last happened: lastTimestamp, else eventTime, else when it was created. */
export function eventTime(e: Event): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
}

/** Oldest first, as `kubectl describe` lists them. */
export function byTime(events: Event[]): Event[] {
  return [...events].sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
}

/** The newest event with this reason, if any. */
export function latest(events: Event[], reason: string): Event | undefined {
  return byTime(events.filter(e => e.reason === reason)).at(-1);
}

export function eventFinding(e: Event): Finding {
  const count = e.count && e.count > 1 ? `${e.count} times, last ` : '';
  const source = e.source?.component ?? e.reportingComponent;
  return {
    severity: e.type === 'Warning' ? 'warning' : 'info',
    subject: e.reason ?? '',
    text: e.message ?? '',
    detail: `${count}at ${eventTime(e)}${source ? ` from ${source}` : ''}`,
  };
}

export function eventsSection(events: Event[]): ExplanationSection {
  return { title: 'Events', findings: byTime(events).map(eventFinding) };
}

// Condition types whose True means trouble; for the others True is the healthy state.
const TROUBLE_WHEN_TRUE = new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable', 'ReplicaFailure', 'Failed', 'DisruptionTarget', 'Stalled']);

export function isHealthy(c: AnyCondition): boolean {
  return TROUBLE_WHEN_TRUE.has(c.type) ? c.status === 'False' : c.status === 'True';
}

export function conditionFinding(c: AnyCondition): Finding {
  return {
    severity: isHealthy(c) ? 'ok' : 'warning',
    subject: `condition/${c.type}`,
    text: c.reason ? `${c.status} (${c.reason})` : c.status,
    ...(c.message ? { detail: c.message } : {}),
  };
}

export function conditionsSection(conditions: AnyCondition[] | undefined): ExplanationSection {
  return { title: 'Conditions', findings: (conditions ?? []).map(conditionFinding) };
}

/** kubectl's short resource name of an object of `kind`: pod/x, replicaset/y. */
export const named = (kind: string, name: string | undefined) => `${kind.toLowerCase()}/${name ?? ''}`;

/** The chain from the nearest owner up; an owner that is gone is a warning (its dependents are garbage). */
export function ownerFindings(chain: OwnerLink[]): Finding[] {
  return chain.map(({ ref, object }) => object
    ? { severity: 'info', subject: named(ref.kind, ref.name), text: ref.controller ? 'controlled by' : 'owned by', detail: `${ref.apiVersion}, uid ${ref.uid}` }
    : { severity: 'warning', subject: named(ref.kind, ref.name), text: 'owner not found', detail: `uid ${ref.uid}: the garbage collector deletes the dependents of a missing owner` });
}

/** The document: sections with no findings are left out; severity is the worst finding's. */
export function explanation(obj: KubeObject, summary: string, sections: ExplanationSection[], severity?: Severity): Explanation {
  const kept = sections.filter(s => s.findings.length);
  return {
    apiVersion: `${WHY_GROUP}/${WHY_VERSION}`, kind: 'Explanation',
    target: {
      apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: obj.metadata.name ?? '',
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    },
    summary,
    severity: severity ?? worstSeverity(kept),
    sections: kept,
  };
}
