// Upstream's default table convertor, for kinds without a printer of their own (Roles,
// LimitRanges, custom resources...): NAME and CREATED AT.
import { createdAtCol, nameCol } from './columns.js';
import { parseTime } from './duration.js';
import type { Printer } from './types.js';

/** Go's time.RFC3339 in UTC: whole seconds, "Z"; a missing timestamp is Go's zero time. */
function rfc3339(ts: unknown): string {
  const t = parseTime(ts);
  return t === undefined ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const defaultPrinter: Printer = {
  columns: [nameCol(), createdAtCol()],
  cells: o => [o.metadata?.name ?? '', rfc3339(o.metadata?.creationTimestamp)],
};
