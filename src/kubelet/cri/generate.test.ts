import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_ROOT } from '../../util/install-root.js';
import { generatorFlags, readTree } from '../../util/proto-types.js';
import { CRI_GENERATED_DIR, generateCriTypes } from './generate.js';
import { CRI_LOADER_OPTIONS } from './loader-options.js';

test('the generator is told what the client decodes: numbers for 64-bit integers, enum names, defaults', () => {
  assert.deepEqual(generatorFlags(CRI_LOADER_OPTIONS), ['--longs=Number', '--enums=String', '--defaults']);
});

test('the committed generated/ is what proto-loader-gen-types produces from api.proto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cri-types-'));
  try {
    generateCriTypes(dir);
    const fresh = readTree(dir);
    const committed = readTree(join(INSTALL_ROOT, CRI_GENERATED_DIR));
    assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort(), 'run npm run gen:cri');
    for (const [path, text] of fresh) assert.ok(committed.get(path) === text, `${CRI_GENERATED_DIR}/${path} is stale: run npm run gen:cri`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
