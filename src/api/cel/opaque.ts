// Opaque CEL values (Quantity, URL, IP, CIDR, the authorizer's checks, optionals, formats): values
// CEL code can pass around and call methods on but not look into, as upstream's ref.Val types.
// @bufbuild/cel knows only protobuf messages as object values, so each opaque type is a message type
// with one string field, `key`: the value's canonical text, which is what `==` compares. The
// JS payload (a parsed quantity, an authorizer binding, ...) rides beside the message in a WeakMap.
import { create, createFileRegistry, type DescMessage, type Message } from '@bufbuild/protobuf';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { objectType, type CelObjectType } from '@bufbuild/cel';

/** Upstream's type names, so `type(x)` prints what it prints there. */
const TYPES = {
  kubernetes: ['Quantity', 'URL', 'NamedFormat'],
  'kubernetes.authorization': ['Authorizer', 'PathCheck', 'GroupCheck', 'ResourceCheck', 'Decision'],
  net: ['IP', 'CIDR'],
  // cel-go's optional type; @bufbuild/cel has none.
  optional: ['Optional'],
} as const;

type Pkg = keyof typeof TYPES;
export type OpaqueName = { [P in Pkg]: `${P}.${(typeof TYPES)[P][number]}` }[Pkg];

const files = Object.entries(TYPES).map(([pkg, names]) =>
  create(FileDescriptorProtoSchema, {
    name: `k8ts/cel/${pkg}.proto`,
    package: pkg,
    syntax: 'proto3',
    messageType: names.map(name => ({
      name,
      field: [{ name: 'key', jsonName: 'key', number: 1, type: FieldDescriptorProto_Type.STRING, label: FieldDescriptorProto_Label.OPTIONAL }],
    })),
  }),
);

/** The registry the CEL environment resolves these message types in. */
export const opaqueRegistry = createFileRegistry(...files.map(f => createFileRegistry(f, () => undefined)));

const payloads = new WeakMap<object, unknown>();

export interface OpaqueType<T> {
  readonly celType: CelObjectType;
  /** A new value of this type: `key` decides equality, `payload` is what methods work on. */
  make(key: string, payload: T): Message;
  /** The payload of a value this library made. */
  payload(v: ReflectMessage): T;
}

export function opaqueType<T>(name: OpaqueName): OpaqueType<T> {
  const desc: DescMessage | undefined = opaqueRegistry.getMessage(name);
  if (!desc) throw new Error(`opaque CEL type ${name} is not registered`);
  return {
    celType: objectType(desc),
    make(key, payload) {
      const msg = create(desc, { key } as never) as Message;
      payloads.set(msg, payload);
      return msg;
    },
    payload(v) {
      if (!payloads.has(v.message)) throw new Error(`not a ${name} value`);
      return payloads.get(v.message) as T;
    },
  };
}
