// Derives the decoder's message tables (src/apiserver/protobuf/schema.ts describes their form) from
// upstream: field numbers and proto types from generated.proto, JSON names and keep-zero marks from
// the Go types' tags. Only the messages the root kinds reach are emitted.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INLINE } from '../../src/apiserver/protobuf/schema.js';
import { parseProto, readGoPackage, type GoStructs, type ProtoMessage } from './upstream.js';

export type TableField = readonly [jsonName: string, type: string];
export type Table = Map<number, TableField>;

export interface Package {
  /** Proto package, e.g. k8s.io.api.core.v1. */
  name: string;
  /** Message short name → table, in proto order. */
  tables: Map<string, Table>;
}

/** What the decoder handles itself (special.ts): their fields are not tabled. */
export type IsSpecial = (shortName: string) => boolean;

const DECODER_SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'double']);

interface LoadedPackage { messages: Map<string, ProtoMessage>; go: GoStructs }

/** Checkouts of k8s.io/api and k8s.io/apimachinery, by repository name. */
export type Checkouts = Readonly<Record<'api' | 'apimachinery', string>>;

/** k8s.io.api.core.v1 → <api>/core/v1; k8s.io.apimachinery.pkg.apis.meta.v1 → <apimachinery>/pkg/apis/meta/v1. */
export function packageDir(checkouts: Checkouts, pkg: string): string {
  const [domain, io, repo, ...path] = pkg.split('.');
  if (domain !== 'k8s' || io !== 'io' || (repo !== 'api' && repo !== 'apimachinery')) throw new Error(`no checkout holds ${pkg}`);
  return join(checkouts[repo], ...path);
}

/** `apps/v1` → k8s.io.api.apps.v1, `v1` → k8s.io.api.core.v1, `rbac.authorization.k8s.io/v1` → k8s.io.api.rbac.v1. */
export function apiVersionPackage(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return `k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}`;
}

const shortName = (full: string) => full.slice(full.lastIndexOf('.') + 1);
const packageOf = (full: string) => full.slice(0, full.lastIndexOf('.'));

/**
 * Tables for `roots` (full message names) and every message they reach, grouped by proto package
 * in first-reached order. Throws when two tabled messages share a short name (the decoder keeps one
 * flat namespace) or when a field has no Go counterpart.
 */
export function buildTables(checkouts: Checkouts, roots: readonly string[], isSpecial: IsSpecial): Package[] {
  const loaded = new Map<string, LoadedPackage>();
  const load = (pkg: string): LoadedPackage => {
    let p = loaded.get(pkg);
    if (!p) {
      const dir = packageDir(checkouts, pkg);
      const proto = join(dir, 'generated.proto');
      if (!existsSync(proto)) throw new Error(`${proto} is missing`);
      p = { messages: new Map(parseProto(readFileSync(proto, 'utf8')).map(m => [m.fullName, m])), go: readGoPackage(dir) };
      loaded.set(pkg, p);
    }
    return p;
  };

  const packages = new Map<string, Package>();
  const owner = new Map<string, string>(); // short name → full name, to catch collisions
  const queue = [...roots];
  while (queue.length) {
    const full = queue.shift()!;
    const short = shortName(full);
    // Special messages are decoded by name, whichever package declares them (ExtraValue twice).
    if (isSpecial(short)) continue;
    const seen = owner.get(short);
    if (seen === full) continue;
    if (seen) throw new Error(`${full} and ${seen} would share the table name ${short}`);
    owner.set(short, full);

    const pkg = packageOf(full);
    const { messages, go } = load(pkg);
    const message = messages.get(full);
    if (!message) throw new Error(`${full} is not in ${pkg}'s generated.proto`);
    const goFields = go.get(short);
    if (!goFields) throw new Error(`no Go struct ${short} in ${pkg}`);

    const table: Table = new Map();
    for (const f of message.fields) {
      const g = goFields.get(f.number);
      if (!g) throw new Error(`${full}.${f.name} (${f.number}) has no Go field`);
      const scalar = DECODER_SCALARS.has(f.type);
      if (!scalar && !f.type.includes('.')) throw new Error(`${full}.${f.name}: the decoder has no scalar kind ${f.type}`);
      if (!scalar) queue.push(f.type);
      const type = scalar ? f.type : shortName(f.type);
      // Go's encoding/json writes a zero only for pointers and fields without omitempty.
      const prefix = f.label === 'repeated' ? '[]' : f.label === 'map' ? '{}' : scalar && (g.pointer || !g.omitempty) ? '*' : '';
      table.set(f.number, [g.inline ? INLINE : g.jsonName, prefix + type]);
    }
    let p = packages.get(pkg);
    if (!p) packages.set(pkg, (p = { name: pkg, tables: new Map() }));
    p.tables.set(short, table);
  }
  return [...packages.values()];
}
