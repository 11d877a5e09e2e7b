// Generates TypeScript shapes for .proto files with @grpc/proto-loader's proto-loader-gen-types,
// using flags derived from the options the caller loads the same files with, so the generated
// types describe exactly what the loader decodes. Used for the CRI (kubelet) and CSI (client)
// protocols; each keeps a committed copy and a test that it is not stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { Options } from '@grpc/proto-loader';
import { INSTALL_ROOT } from './install-root.js';

/** The loader options the generator can mirror. */
export interface GeneratedLoaderOptions extends Options {
  keepCase: boolean;
  longs: typeof Number | typeof String;
  enums: typeof String;
  defaults: boolean;
  oneofs: boolean;
}

/**
 * How k8ts decodes the messages of every gRPC protocol it speaks (CRI, CSI, etcd): camelCase field
 * names, 64-bit integers as numbers, enums as their names, `bytes` as Buffers, and every declared
 * field present in responses (scalars default to 0/''/false, lists to [], maps to {}, unset
 * sub-messages to null). A protocol that needs more (CSI's oneof member names) spreads these.
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: false,
} as const satisfies GeneratedLoaderOptions;

/** proto-loader-gen-types flags equivalent to `options`. */
export function generatorFlags(options: GeneratedLoaderOptions): string[] {
  const flags = [`--longs=${options.longs.name}`, `--enums=${options.enums.name}`];
  if (options.keepCase) flags.push('--keepCase');
  if (options.defaults) flags.push('--defaults');
  if (options.oneofs) flags.push('--oneofs');
  return flags;
}

/**
 * Writes the generated types for `protos` (paths relative to the repository root, which the
 * generator writes into every file's header) under `outDir` (relative to the root, or absolute).
 */
export function generateProtoTypes(protos: string[], options: GeneratedLoaderOptions, outDir: string): void {
  const bin = createRequire(import.meta.url).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  execFileSync(process.execPath, [
    bin, ...generatorFlags(options),
    '--grpcLib=@grpc/grpc-js',
    // NodeNext resolution needs the extension in relative imports.
    '--importFileExtension=.js',
    '--includeComments',
    `--outDir=${outDir}`,
    ...protos,
  ], { cwd: INSTALL_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Every file under `dir`, keyed by its path relative to `dir`. */
function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), readFileSync(path, 'utf8'));
  }
  return files;
}

/**
 * What a committed generated tree lacks or has stale compared with a fresh generation: the paths
 * (relative to it) that are missing, extra or different. Empty when it is up to date.
 */
export function staleGeneratedFiles(generate: (outDir: string) => void, committedDir: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'proto-types-'));
  try {
    generate(dir);
    const fresh = readTree(dir);
    const committed = readTree(join(INSTALL_ROOT, committedDir));
    const paths = new Set([...fresh.keys(), ...committed.keys()]);
    return [...paths].filter(p => fresh.get(p) !== committed.get(p)).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
