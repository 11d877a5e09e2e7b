import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatorFlags, staleGeneratedFiles } from '../../util/proto-types.js';
import { CRI_GENERATED_DIR, generateCriTypes } from './generate.js';
import { CRI_LOADER_OPTIONS } from './loader-options.js';

test('the generator is told what the client decodes: numbers for 64-bit integers, enum names, defaults', () => {
  assert.deepEqual(generatorFlags(CRI_LOADER_OPTIONS), ['--longs=Number', '--enums=String', '--defaults']);
});

test('the committed generated/ is what proto-loader-gen-types produces from api.proto', () => {
  assert.deepEqual(staleGeneratedFiles(generateCriTypes, CRI_GENERATED_DIR), [], 'stale: run npm run gen:cri');
});
