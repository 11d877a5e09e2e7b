// Generates the TypeScript shapes of the CRI messages in api.proto (src/kubelet/cri/generated/) with
// the options the client loads the proto with. scripts/gen-cri-types.ts writes the committed copy;
// a test checks that it is not stale.
import { generateProtoTypes } from '../../util/proto-types.js';
import { CRI_LOADER_OPTIONS } from './loader-options.js';

/** api.proto, relative to the root: the generator writes this path into every file's header. */
export const CRI_PROTO = 'src/kubelet/cri/api.proto';
export const CRI_GENERATED_DIR = 'src/kubelet/cri/generated';

/** Writes the generated types for api.proto under `outDir` (relative to the repository root, or absolute). */
export function generateCriTypes(outDir: string): void {
  generateProtoTypes([CRI_PROTO], CRI_LOADER_OPTIONS, outDir);
}
