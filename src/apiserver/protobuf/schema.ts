// The vocabulary of our message tables: for each message, its field numbers with the JSON name and
// type of each field. Field numbers are wire facts from upstream's generated.proto; JSON names and
// the keep-zero marks come from the Go types' json tags, so decoded objects look exactly like the
// JSON encoding of the same object.
//
// A field is `[jsonName, type]`. `type` is a scalar kind or a message name, with an optional prefix:
//   '*'   keep the value even when it is zero: the Go field is a pointer (so presence is meaningful,
//         e.g. `replicas: 0`) or has no omitempty. Without '*', zero values ('' / 0 / false) are
//         dropped as Go's omitempty would, since upstream writes non-pointer scalars unconditionally.
//   '[]'  repeated (scalars may be packed or not)
//   '{}'  map<string, T> (entries are messages with key = 1 and value = 2)
// jsonName INLINE marks a Go embedded struct: its fields are merged into the parent object.

export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'double';

export const INLINE = '...';

export type FieldSpec = readonly [jsonName: string, type: string];
export type MessageTable = Readonly<Record<number, FieldSpec>>;
export type Tables = Readonly<Record<string, MessageTable>>;

const SCALARS: ReadonlySet<string> = new Set<ScalarKind>(['string', 'bytes', 'bool', 'int32', 'int64', 'double']);

/** A field spec with its type string taken apart. */
export interface Field {
  name: string;
  inline: boolean;
  shape: 'single' | 'repeated' | 'map';
  keepZero: boolean;
  scalar?: ScalarKind;
  message?: string;
}

export function parseField([name, type]: FieldSpec): Field {
  let shape: Field['shape'] = 'single';
  let keepZero = false;
  let t = type;
  if (t.startsWith('[]')) { shape = 'repeated'; t = t.slice(2); }
  else if (t.startsWith('{}')) { shape = 'map'; t = t.slice(2); }
  else if (t.startsWith('*')) { keepZero = true; t = t.slice(1); }
  const field: Field = { name, inline: name === INLINE, shape, keepZero };
  if (SCALARS.has(t)) field.scalar = t as ScalarKind;
  else field.message = t;
  return field;
}
