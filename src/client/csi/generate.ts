// Generates the TypeScript shapes of the CSI and plugin-registration messages
// (src/client/csi/generated/) with the options both ends load the protos with.
// scripts/gen-csi-types.ts writes the committed copy; a test checks that it is not stale.
import { generateProtoTypes } from '../../util/proto-types.js';
import { CSI_LOADER_OPTIONS } from './loader-options.js';

/** The protos, relative to the repository root: the generator writes these paths into every file's header. */
export const CSI_PROTOS = ['src/client/csi/csi.proto', 'src/client/csi/pluginregistration.proto'];
export const CSI_GENERATED_DIR = 'src/client/csi/generated';

/** Writes the generated types under `outDir` (relative to the repository root, or absolute). */
export function generateCsiTypes(outDir: string): void {
  generateProtoTypes(CSI_PROTOS, CSI_LOADER_OPTIONS, outDir);
}
