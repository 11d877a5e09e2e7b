import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { applyMergePatch, decodeMergePatch } from './merge-patch.js';
import type { JsonValue } from './json.js';

// RFC 7386 Appendix A.
const examples: Array<[unknown, unknown, unknown]> = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

examples.forEach(([target, patch, want], i) => {
  test(`merge patch: RFC 7386 example ${i + 1}`, () => {
    assert.deepEqual(applyMergePatch(target as JsonValue, patch as JsonValue), want);
  });
});

test('merge patch: inputs are not modified and the result shares nothing with them', () => {
  const target = { spec: { replicas: 1, template: { labels: { a: 'b' } } } };
  const patch = { spec: { replicas: 3, extra: { x: 1 } } };
  const out = applyMergePatch(target, patch) as any;
  assert.deepEqual(target, { spec: { replicas: 1, template: { labels: { a: 'b' } } } });
  out.spec.template.labels.a = 'changed';
  out.spec.extra.x = 2;
  assert.equal(target.spec.template.labels.a, 'b');
  assert.equal(patch.spec.extra.x, 1);
});

test('merge patch: lists such as containers are replaced wholesale', () => {
  const deploy = { spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } };
  const out = applyMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'a', image: 'z' }] } } } });
  assert.deepEqual(out, { spec: { template: { spec: { containers: [{ name: 'a', image: 'z' }] } } } });
});

test('merge patch: unparsable bodies are 400 "Invalid JSON Patch"', () => {
  assert.throws(() => decodeMergePatch('{'), (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'Invalid JSON Patch');
});
