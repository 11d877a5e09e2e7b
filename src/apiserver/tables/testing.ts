// Shared by the printer tests: build a one-kind table at a pinned clock and read cells by column.
import { buildTable } from './index.js';
import type { Obj, Table, TableCell } from './types.js';

export const NOW = new Date('2024-05-01T12:00:00Z');

/** An RFC3339 timestamp `seconds` before NOW. */
export const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function table(group: string, resource: string, objects: Obj[]): Table {
  return buildTable(group, resource, objects, { now: NOW });
}

/** One row's cells keyed by column name, e.g. row['Status']. */
export function row(group: string, resource: string, obj: Obj): Record<string, TableCell> {
  const t = table(group, resource, [obj]);
  const cells = t.rows[0].cells;
  if (cells.length !== t.columnDefinitions.length) throw new Error(`${resource}: ${cells.length} cells for ${t.columnDefinitions.length} columns`);
  return Object.fromEntries(t.columnDefinitions.map((c, i) => [c.name, cells[i]]));
}

/** Column definitions as "Name:type:format:priority", compact enough to compare whole. */
export function columns(group: string, resource: string): string[] {
  return table(group, resource, []).columnDefinitions.map(c => `${c.name}:${c.type}:${c.format}:${c.priority}`);
}
