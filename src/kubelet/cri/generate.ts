// Generates the TypeScript shapes of the CRI messages in api.proto (src/kubelet/cri/generated/) with
// @grpc/proto-loader's proto-loader-gen-types, using flags derived from the options the client
// loads the proto with. scripts/gen-cri-types.ts writes the committed copy; a test checks that it
// is not stale.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { INSTALL_ROOT as REPO_ROOT } from '../../util/install-root.js';
import { CRI_LOADER_OPTIONS } from './loader-options.js';

export { REPO_ROOT };
/** api.proto, relative to the root: the generator writes this path into every file's header. */
export const CRI_PROTO = 'src/kubelet/cri/api.proto';
export const CRI_GENERATED_DIR = 'src/kubelet/cri/generated';

/** proto-loader-gen-types flags equivalent to CRI_LOADER_OPTIONS. */
export function generatorFlags(): string[] {
  const o = CRI_LOADER_OPTIONS;
  const flags = [`--longs=${o.longs.name}`, `--enums=${o.enums.name}`];
  if (o.keepCase) flags.push('--keepCase');
  if (o.defaults) flags.push('--defaults');
  if (o.oneofs) flags.push('--oneofs');
  return flags;
}

/** Writes the generated types for api.proto under `outDir` (relative to the repository root, or absolute). */
export function generateCriTypes(outDir: string): void {
  const bin = createRequire(import.meta.url).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  execFileSync(process.execPath, [
    bin, ...generatorFlags(),
    '--grpcLib=@grpc/grpc-js',
    // NodeNext resolution needs the extension in relative imports.
    '--importFileExtension=.js',
    '--includeComments',
    `--outDir=${outDir}`,
    CRI_PROTO,
  ], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Every file under `dir`, keyed by its path relative to `dir`. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), readFileSync(path, 'utf8'));
  }
  return files;
}
