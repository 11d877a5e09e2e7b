// Regenerates src/kubelet/cri/generated/ from src/kubelet/cri/api.proto. Run after `tsc`
// (npm run gen:cri does both): node dist/scripts/gen-cri-types.js
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CRI_GENERATED_DIR, generateCriTypes } from '../src/kubelet/cri/generate.js';
import { INSTALL_ROOT } from '../src/util/install-root.js';

// Start empty so messages removed from the proto leave no files behind.
rmSync(join(INSTALL_ROOT, CRI_GENERATED_DIR), { recursive: true, force: true });
generateCriTypes(CRI_GENERATED_DIR);
console.log(`wrote ${CRI_GENERATED_DIR}/`);
