// Server-side printing for `kubectl get`: the objects of one resource become a meta.k8s.io/v1
// Table with upstream's columns (wide columns have priority 1; kubectl shows them with -o wide).
import { defaultPrinter } from './default.js';
import { PRINTERS } from './printers.js';
import type { ListMeta, Obj, Printer, Table, TableRow } from './types.js';

export { humanDuration } from './duration.js';
export type { ListMeta, PartialObjectMetadata, Table, TableCell, TableColumnDefinition, TableRow, TableRowCondition } from './types.js';

export interface TableOptions {
  /** What each row's `object` holds: metadata only (the default), the whole object, or nothing. */
  includeObject?: 'None' | 'Metadata' | 'Object';
  /** The clock ages are measured against; tests pin it. */
  now?: Date;
  listMeta?: ListMeta;
  /** The resource's own printer when it is not a built-in kind's (custom resources). */
  printer?: Printer;
}

/** `resource` is the plural lower-case name ('pods'); `group` is '' for the core group. */
export function buildTable(group: string, resource: string, objects: Obj[], opts: TableOptions = {}): Table {
  const printer = opts.printer ?? PRINTERS.get(`${group}/${resource}`) ?? defaultPrinter;
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const rows = objects.map((o): TableRow => {
    const row: TableRow = { cells: printer.cells(o, now) };
    const conditions = printer.conditions?.(o);
    if (conditions) row.conditions = conditions;
    if (include === 'Object') row.object = o;
    else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { ...opts.listMeta }, columnDefinitions: [...printer.columns], rows };
}
