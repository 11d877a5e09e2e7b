// Tables of custom resources (upstream's apiextensions tableconvertor): NAME, then the version's
// additionalPrinterColumns, each a JSONPath into the object typed as the CRD says; a version without
// columns gets the default Age column. The first match of a path is shown; none leaves the cell empty.
import { JsonPath } from '../../api/jsonpath.js';
import type { CustomResourceColumnDefinition } from '../../api/types/generated.js';
import { col, nameCol } from './columns.js';
import { humanDuration, parseTime } from './duration.js';
import type { Printer, TableCell, TableColumnDefinition } from './types.js';

const DEFAULT_COLUMNS: CustomResourceColumnDefinition[] = [{
  name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
}];

export function customResourcePrinter(columns: CustomResourceColumnDefinition[] | undefined): Printer {
  const defs = columns?.length ? columns : DEFAULT_COLUMNS;
  const paths = defs.map(c => JsonPath.parse(c.jsonPath));
  const definitions: TableColumnDefinition[] = [
    nameCol(),
    ...defs.map(c => ({ ...col(c.name, c.description ?? '', { type: c.type as TableColumnDefinition['type'], format: c.format ?? '' }), priority: c.priority ?? 0 })),
  ];
  return {
    columns: definitions,
    cells: (o, now) => [o.metadata?.name ?? '', ...defs.map((c, i) => cell(c.type, paths[i].find(o)[0], now))],
  };
}

/** As upstream's cellForJSONValue (strings printed as client-go's jsonpath prints a value). */
function cell(type: string, value: unknown, now: Date): TableCell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      const t = typeof value === 'string' ? parseTime(value) : undefined;
      return t === undefined ? null : humanDuration(now.getTime() - t);
    }
    default:
      return null;
  }
}
