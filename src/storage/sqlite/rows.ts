// Rows of the log table as the contract's key-values and watch events.
import type { KeyValue, StoreEvent } from '../types.js';
import type { HistoryRow, Row } from './schema.js';

export function rowToKv(r: Row): KeyValue {
  return { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.rev };
}

export function historyEvent(r: HistoryRow): StoreEvent {
  if (r.deleted) {
    const prevKv: KeyValue = { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.prev_rev ?? r.rev };
    return { type: 'DELETE', kv: rowToKv(r), prevKv, created: false };
  }
  const prevKv = r.prev_rev !== null && r.prev_value !== null
    ? { key: r.key, value: r.prev_value, createRevision: r.prev_create_rev!, modRevision: r.prev_rev }
    : undefined;
  return { type: 'PUT', kv: rowToKv(r), prevKv, created: r.create_rev === r.rev };
}
