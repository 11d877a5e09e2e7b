import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LruMap } from './lru-map.js';

test('LruMap forgets the least recently used key beyond its capacity', () => {
  const m = new LruMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  assert.equal(m.get('a'), 1); // a is now newer than b
  m.set('c', 3);
  assert.equal(m.size, 2);
  assert.equal(m.get('b'), undefined);
  assert.equal(m.get('a'), 1);
  assert.equal(m.get('c'), 3);
  m.set('a', 10); // overwriting keeps one entry
  assert.equal(m.size, 2);
  assert.equal(m.get('a'), 10);
});
