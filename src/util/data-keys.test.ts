import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getKey, hasKey, setKey } from './data-keys.js';

test('data keys: __proto__, constructor and toString are stored, found and tested as data', () => {
  const obj: Record<string, unknown> = {};
  setKey(obj, '__proto__', { polluted: true });
  setKey(obj, 'constructor', 'c');
  setKey(obj, 'toString', 't');
  assert.equal(Object.getPrototypeOf(obj), Object.prototype, 'the prototype is untouched');
  assert.deepEqual(Object.keys(obj), ['__proto__', 'constructor', 'toString']);
  assert.equal(JSON.stringify(obj), '{"__proto__":{"polluted":true},"constructor":"c","toString":"t"}');
  assert.deepEqual(getKey(obj, '__proto__'), { polluted: true });
  setKey(obj, '__proto__', 'again');
  assert.equal(getKey(obj, '__proto__'), 'again', 'a second write replaces the member');
  assert.equal((({}) as Record<string, unknown>).polluted, undefined);
});

test('data keys: inherited members are not keys', () => {
  const empty: Record<string, unknown> = {};
  for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    assert.equal(hasKey(empty, k), false, k);
    assert.equal(getKey(empty, k), undefined, k);
  }
  assert.equal(hasKey({ a: undefined }, 'a'), true);
});
