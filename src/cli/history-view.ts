// What `k8ts history` prints: the revision table and one revision's YAML, from the history API's answer.
import { stringify } from 'yaml';
import type { KubeObject } from '../api/object.js';

/** One revision as GET /apis/history.k8ts.io/v1/... answers it. */
export interface RevisionView {
  revision: number;
  time: string;
  operation: string;
  subresource: string;
  user: string;
  fieldManager: string;
  object?: KubeObject;
}

/** REVISION, TIME, USER, OPERATION, MANAGER: columns padded as kubectl pads them (three spaces between). */
export function revisionTable(revisions: RevisionView[]): string {
  const rows = [['REVISION', 'TIME', 'USER', 'OPERATION', 'MANAGER'],
    ...revisions.map(r => [String(r.revision), r.time, r.user, r.subresource ? `${r.operation} (${r.subresource})` : r.operation, r.fieldManager])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map(row => row[i].length)));
  return rows.map(row => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3)).join('')).join('\n') + '\n';
}

/** The revision's object as YAML, without resourceVersion and managedFields' noise for a diff. */
export function revisionYaml(object: KubeObject, forDiff: boolean): string {
  if (!forDiff) return stringify(object);
  const { managedFields: _m, resourceVersion: _r, ...meta } = object.metadata;
  return stringify({ ...object, metadata: meta });
}
