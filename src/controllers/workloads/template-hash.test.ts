import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, computeHash, fnv32a, safeEncode, SAFE_ALPHABET } from './template-hash.js';

test('fnv32a matches the reference vectors', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
});

test('safe encoding uses only the vowel-free alphabet', () => {
  const s = safeEncode('1234567890');
  assert.equal(s.length, 10);
  for (const ch of s) assert.ok(SAFE_ALPHABET.includes(ch));
});

test('hash is stable across key order and empty spellings, and changes with content and collisions', () => {
  const a = { metadata: { labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c' }], volumes: [] }, metadata: { annotations: {}, creationTimestamp: null, labels: { tier: 'web', app: 'x' } } };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(computeHash(a), computeHash(b));
  assert.equal(computeHash(a), computeHash(structuredClone(a)));
  const c = structuredClone(a);
  c.spec.containers[0].image = 'nginx:2';
  assert.notEqual(computeHash(a), computeHash(c));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
});
