// meta.k8s.io/v1 Table: what `kubectl get` asks the server to render.

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

type Obj = Record<string, any>;

/** A kind's printer: its columns and how one object becomes one row's cells. */
export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: Obj, now: Date): unknown[];
}

/** Column shorthand: `col('Name', 'name')`, wide columns get priority 1. */
export function col(name: string, opts: { type?: TableColumnDefinition['type']; format?: string; wide?: boolean; description?: string } = {}): TableColumnDefinition {
  return {
    name,
    type: opts.type ?? 'string',
    format: opts.format ?? (name === 'Name' ? 'name' : ''),
    description: opts.description ?? (name === 'Name' ? 'Name must be unique within a namespace.' : name === 'Age' ? 'CreationTimestamp is a timestamp representing the server time when this object was created.' : ''),
    priority: opts.wide ? 1 : 0,
  };
}
