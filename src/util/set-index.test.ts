import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addToIndex, removeFromIndex } from './set-index.js';

test('values are filed under their key; a key whose last value goes is dropped', () => {
  const index = new Map<string, Set<number>>();
  addToIndex(index, 'a', 1);
  addToIndex(index, 'a', 2);
  addToIndex(index, 'b', 1);
  assert.deepEqual([...index.get('a')!], [1, 2]);
  removeFromIndex(index, 'a', 1);
  assert.deepEqual([...index.get('a')!], [2]);
  removeFromIndex(index, 'a', 2);
  assert.equal(index.has('a'), false);
  removeFromIndex(index, 'missing', 1);
  assert.deepEqual([...index.keys()], ['b']);
});
