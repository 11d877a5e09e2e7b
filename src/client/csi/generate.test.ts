import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_ROOT } from '../../util/install-root.js';
import { readTree } from '../../util/proto-types.js';
import { CSI_GENERATED_DIR, generateCsiTypes } from './generate.js';

test('the committed generated/ is what proto-loader-gen-types produces from csi.proto and pluginregistration.proto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csi-types-'));
  try {
    generateCsiTypes(dir);
    const fresh = readTree(dir);
    const committed = readTree(join(INSTALL_ROOT, CSI_GENERATED_DIR));
    assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort(), 'run npm run gen:csi');
    for (const [path, text] of fresh) assert.ok(committed.get(path) === text, `${CSI_GENERATED_DIR}/${path} is stale: run npm run gen:csi`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
