// Sets of field paths, as server-side apply tracks ownership, and their FieldsV1 wire form.
// A path is a list of elements in FieldsV1 spelling: `f:<field>`, `k:<json of key fields>` for an
// item of a keyed list, `v:<json value>` for an item of a set list, `i:<index>` for atomic-free
// positional items. FieldsV1 nests them as a trie where `.` marks a node that is itself a member.
import { setKey } from '../../util/data-keys.js';
import { isJsonObject, type JsonObject } from './json.js';

export type FieldPath = readonly string[];

export class FieldSet {
  private readonly members = new Map<string, FieldPath>();
  private prefixCache?: Set<string>;
  /** The FieldsV1 encoding, made once: managedFields entries nobody touched are re-encoded on every write. */
  private encoded?: JsonObject;

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.add(p);
  }

  add(path: FieldPath): void {
    this.members.set(keyOf(path), [...path]);
    this.prefixCache = undefined;
    this.encoded = undefined;
  }

  has(path: FieldPath): boolean {
    return this.members.has(keyOf(path));
  }

  /** Whether some member lies strictly below `path`. */
  hasDescendants(path: FieldPath): boolean {
    if (!this.prefixCache) {
      this.prefixCache = new Set();
      for (const p of this.members.values()) for (let n = 0; n < p.length; n++) this.prefixCache.add(keyOf(p.slice(0, n)));
    }
    return this.prefixCache.has(keyOf(path));
  }

  get size(): number {
    return this.members.size;
  }

  paths(): FieldPath[] {
    return [...this.members.values()];
  }

  // Set operations return `this` (sets are not changed after construction) when nothing changes,
  // so an untouched manager keeps its cached encoding.
  union(other: FieldSet): FieldSet {
    if (other.size === 0) return this;
    return new FieldSet([...this.paths(), ...other.paths()]);
  }

  difference(other: FieldSet): FieldSet {
    return this.filter(p => !other.has(p));
  }

  intersection(other: FieldSet): FieldSet {
    return this.filter(p => other.has(p));
  }

  filter(keep: (p: FieldPath) => boolean): FieldSet {
    const kept = this.paths().filter(keep);
    return kept.length === this.size ? this : new FieldSet(kept);
  }

  /** Decodes a FieldsV1 trie. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: string[]) => {
      if (!isJsonObject(node)) return;
      const keys = Object.keys(node);
      if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) set.add(path);
      for (const k of keys) if (k !== '.') walk(node[k], [...path, k]);
    };
    walk(fields, []);
    return set;
  }

  /** Encodes as a FieldsV1 trie with `.` first and children sorted, as upstream serializes it. */
  toFieldsV1(): JsonObject {
    this.encoded ??= this.encodeFieldsV1();
    return this.encoded;
  }

  private encodeFieldsV1(): JsonObject {
    interface Node { member: boolean; children: Map<string, Node> }
    const root: Node = { member: false, children: new Map() };
    for (const path of this.members.values()) {
      let node = root;
      for (const el of path) {
        let next = node.children.get(el);
        if (!next) node.children.set(el, next = { member: false, children: new Map() });
        node = next;
      }
      node.member = true;
    }
    const encode = (node: Node): JsonObject => {
      const out: JsonObject = {};
      if (node.member && node.children.size > 0) out['.'] = {};
      for (const k of [...node.children.keys()].sort()) setKey(out, k, encode(node.children.get(k)!));
      return out;
    };
    return encode(root);
  }
}

/**
 * A map key for a path: its elements joined by NUL, which field names practically never contain
 * (twice as fast as JSON, and this runs for every field of every write). A path that does contain
 * one is spelled as NUL + JSON instead, which no joined key can start with, so keys stay unique.
 */
function keyOf(path: FieldPath): string {
  for (const el of path) if (el.includes('\0')) return '\0' + JSON.stringify(path);
  return path.join('\0');
}

/** The path as upstream prints it in conflicts: `.spec.containers[name="nginx"].image`. */
export function formatPath(path: FieldPath): string {
  return path.map(el => {
    const body = el.slice(2);
    switch (el.slice(0, 2)) {
      case 'f:': return '.' + body;
      case 'k:': {
        const key = JSON.parse(body) as JsonObject;
        return '[' + Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',') + ']';
      }
      case 'v:': return `[=${body}]`;
      case 'i:': return `[${body}]`;
      default: return el;
    }
  }).join('');
}
