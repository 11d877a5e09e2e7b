// meta.k8s.io/v1 Table and PartialObjectMetadata: what `kubectl get` asks the server to render
// (Accept: application/json;as=Table;v=v1;g=meta.k8s.io), and the printer contract each kind fills.
import type { ObjectMeta } from '../../api/object.js';

/** One column of a Table. Upstream serialises every field, empty or not. */
export interface TableColumnDefinition {
  name: string;
  /** An OpenAPI type: string, integer, number, boolean, date. */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** An OpenAPI format hint; "name" marks the column that holds the object's name. */
  format: string;
  description: string;
  /** 0 for the default view; 1 for columns kubectl only shows with `-o wide`. */
  priority: number;
}

/** null is an empty cell (Go nil), which kubectl prints as <none>. */
export type TableCell = string | number | boolean | null;

/** Row conditions tell clients a row is less interesting, e.g. a pod that ran to completion. */
export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata, the full object, or absent, as the request's includeObject asks. */
  object?: PartialObjectMetadata | Record<string, unknown>;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** Input objects arrive as parsed JSON of whatever shape the kind has. */
export type Obj = Record<string, any>;

/**
 * A kind's printer: its columns and how one object becomes one row. The server always prints
 * the wide form (upstream's TableConvertor passes Wide: true); kubectl hides priority-1 columns.
 */
export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: Obj, now: Date): TableCell[];
  conditions?(obj: Obj): TableRowCondition[] | undefined;
}
