import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staleGeneratedFiles } from '../../util/proto-types.js';
import { CSI_GENERATED_DIR, generateCsiTypes } from './generate.js';

test('the committed generated/ is what proto-loader-gen-types produces from csi.proto and pluginregistration.proto', () => {
  assert.deepEqual(staleGeneratedFiles(generateCsiTypes, CSI_GENERATED_DIR), [], 'stale: run npm run gen:csi');
});
