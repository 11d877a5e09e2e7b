// Events, core/v1 and events.k8s.io/v1. Upstream prints both from one internal type, so an
// events.k8s.io Event is first mapped onto core field names.
import { col, nameCol } from './columns.js';
import { parseTime, since } from './duration.js';
import type { Obj, Printer } from './types.js';

/** The events.k8s.io/v1 -> core field mapping of upstream's conversion. */
export function eventsV1ToCore(e: Obj): Obj {
  return {
    metadata: e.metadata,
    involvedObject: e.regarding ?? {},
    related: e.related,
    reason: e.reason,
    message: e.note,
    type: e.type,
    action: e.action,
    source: e.deprecatedSource ?? {},
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    eventTime: e.eventTime,
    series: e.series,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  };
}

/** "component, host", taking the reporting controller and instance where the source is empty. */
function eventSource(e: Obj): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', { wide: true }),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', { wide: true }),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { wide: true }),
    col('Count', 'The number of times this event has occurred.', { wide: true }),
    nameCol({ wide: true }),
  ],
  cells(e, now) {
    // New-style events carry only eventTime (and a series); old-style ones the timestamps and count.
    const first = parseTime(e.firstTimestamp) !== undefined ? since(e.firstTimestamp, now) : since(e.eventTime, now);
    let last = parseTime(e.lastTimestamp) !== undefined ? since(e.lastTimestamp, now) : first;
    let count: number = e.count ?? 0;
    if (e.series) {
      last = since(e.series.lastObservedTime, now);
      count = e.series.count ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    const io: Obj = e.involvedObject ?? {};
    const kind = String(io.kind ?? '').toLowerCase();
    const target = io.name ? `${kind}/${io.name}` : kind;
    return [last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', eventSource(e), String(e.message ?? '').trim(), first, count, e.metadata?.name ?? ''];
  },
};
