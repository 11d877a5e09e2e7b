// Regenerates src/client/csi/generated/ from the CSI and plugin-registration protos. Run after
// `tsc` (npm run gen:csi does both): node dist/scripts/gen-csi-types.js
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CSI_GENERATED_DIR, generateCsiTypes } from '../src/client/csi/generate.js';
import { INSTALL_ROOT } from '../src/util/install-root.js';

// Start empty so messages removed from the protos leave no files behind.
rmSync(join(INSTALL_ROOT, CSI_GENERATED_DIR), { recursive: true, force: true });
generateCsiTypes(CSI_GENERATED_DIR);
console.log(`wrote ${CSI_GENERATED_DIR}/`);
