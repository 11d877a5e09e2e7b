import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateFields } from './duplicate-fields.js';

test('duplicateFields: repeats within one object, at any depth, not across objects or in strings', () => {
  assert.deepEqual(duplicateFields('{"a":1,"b":{"a":2,"c":[{"a":1},{"a":2,"a":3}]},"a":4}'), ['a', 'a']);
  assert.deepEqual(duplicateFields('{"metadata":{"name":"x","name":"y"},"s":"{\\"k\\":1,\\"k\\":2}"}'), ['name']);
  assert.deepEqual(duplicateFields('{"\\u0061":1,"a":2,"__proto__":1,"__proto__":2}'), ['a', '__proto__']);
  assert.deepEqual(duplicateFields('[{"a":1},{"a":1}]'), []);
});

test('duplicateFields: with the decoded value, the same answers (and none when JSON.parse kept every member)', () => {
  for (const text of [
    '{"a":1,"b":{"a":2,"c":[{"a":1},{"a":2,"a":3}]},"a":4}',
    '{"metadata":{"name":"x","name":"y"},"s":"{\\"k\\":1,\\"k\\":2}"}',
    '{"\\u0061":1,"a":2,"__proto__":1,"__proto__":2}',
    '[{"a":1},{"a":1}]',
    '{"metadata":{"name":"x:y","labels":{"k":"v"}},"data":{"p":"a\\"b:c"},"list":[1,{"x":[]}]}',
  ]) assert.deepEqual(duplicateFields(text, JSON.parse(text)), duplicateFields(text), text);
  assert.deepEqual(duplicateFields('{"a":{"b":1},"a":{"b":1}}', JSON.parse('{"a":{"b":1},"a":{"b":1}}')), ['a']);
});
