// Reads the two upstream sources of the protobuf field tables: a package's generated.proto (field
// numbers, proto types, repeated/map) and its Go types (json names, omitempty, pointers, inline
// embedding), both from a checkout of k8s.io/api or k8s.io/apimachinery.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProtoField {
  name: string;
  number: number;
  label: 'optional' | 'repeated' | 'map';
  /** Scalar kind, or a message name fully qualified without the leading dot. */
  type: string;
}

export interface ProtoMessage {
  /** e.g. k8s.io.api.core.v1.PodSpec */
  fullName: string;
  fields: ProtoField[];
}

export interface GoField {
  /** The json tag's name; '' for an inlined (embedded) struct. */
  jsonName: string;
  omitempty: boolean;
  inline: boolean;
  pointer: boolean;
}

/** Go struct name → protobuf field number → what its tags and type say. */
export type GoStructs = Map<string, Map<number, GoField>>;

const PROTO_SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'double', 'float', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64']);

/** The messages of one generated.proto, with types resolved to full names. */
export function parseProto(text: string): ProtoMessage[] {
  const src = text.replace(/\/\/[^\n]*/g, '');
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(src)?.[1];
  if (!pkg) throw new Error('generated.proto without a package');
  const qualify = (t: string) => (PROTO_SCALARS.has(t) ? t : t.startsWith('.') ? t.slice(1) : `${pkg}.${t}`);
  const messages: ProtoMessage[] = [];
  const messageRe = /\bmessage\s+(\w+)\s*\{([^{}]*)\}/g;
  for (let m; (m = messageRe.exec(src));) {
    const fields: ProtoField[] = [];
    for (const line of m[2].split(';')) {
      const s = line.trim();
      if (!s) continue;
      const plain = /^(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)$/.exec(s);
      const map = /^map\s*<\s*string\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)$/.exec(s);
      if (plain) fields.push({ label: plain[1] as 'optional' | 'repeated', type: qualify(plain[2]), name: plain[3], number: Number(plain[4]) });
      else if (map) fields.push({ label: 'map', type: qualify(map[1]), name: map[2], number: Number(map[3]) });
      else throw new Error(`${pkg}.${m[1]}: cannot read field declaration ${JSON.stringify(s)}`);
    }
    messages.push({ fullName: `${pkg}.${m[1]}`, fields });
  }
  return messages;
}

/** The protobuf-tagged fields of every struct declared in Go source text. */
export function parseGoStructs(text: string, into: GoStructs = new Map()): GoStructs {
  const structRe = /^type\s+(\w+)\s+struct\s*\{\n([\s\S]*?)^\}/gm;
  for (let m; (m = structRe.exec(text));) {
    const fields = new Map<number, GoField>();
    for (const raw of m[2].split('\n')) {
      const line = raw.replace(/^\s+/, '');
      if (line.startsWith('//')) continue;
      const decl = /^([^`]+?)\s*`([^`]*)`/.exec(line);
      if (!decl) continue;
      const protobuf = /protobuf:"[^",]*,(\d+),/.exec(decl[2]);
      if (!protobuf) continue;
      const json = /json:"([^"]*)"/.exec(decl[2])?.[1] ?? '';
      const [jsonName, ...opts] = json.split(',');
      const words = decl[1].trim().split(/\s+/);
      // One word is an embedded struct (its type); two are a name and a type.
      const goType = words[words.length - 1];
      fields.set(Number(protobuf[1]), {
        jsonName,
        omitempty: opts.includes('omitempty'),
        inline: opts.includes('inline'),
        pointer: goType.startsWith('*'),
      });
    }
    into.set(m[1], fields);
  }
  return into;
}

/** Go structs of a package directory (its non-test, non-generated .go files). */
export function readGoPackage(dir: string): GoStructs {
  const structs: GoStructs = new Map();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.go') || file.endsWith('_test.go') || file.startsWith('zz_generated') || file === 'generated.pb.go') continue;
    parseGoStructs(readFileSync(join(dir, file), 'utf8'), structs);
  }
  return structs;
}
