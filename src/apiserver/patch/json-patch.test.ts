import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { PatchApplyError } from './errors.js';
import { applyJsonPatch, decodeJsonPatch, formatPointer, parsePointer, type JsonPatchOperation } from './json-patch.js';
import type { JsonValue } from './json.js';

const apply = (doc: unknown, ops: unknown[]) => applyJsonPatch(doc as JsonValue, ops as JsonPatchOperation[]);

// RFC 6902 Appendix A.
const rfcExamples: Array<[string, unknown, unknown[], unknown]> = [
  ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
  ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
  ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
  ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  ['A.6 move a value', { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }], { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
  ['A.7 move an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
  ['A.8 test a value: success', { baz: 'qux', foo: ['a', 2, 'c'] },
    [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
  ['A.10 add a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
  ['A.11 ignore unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
  ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
  ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ['copy', { a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: [1] }, c: { b: [1] } }],
  ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
  ['test objects regardless of key order', { a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }], { a: { x: 1, y: 2 } }],
  ['test null', { a: null }, [{ op: 'test', path: '/a', value: null }], { a: null }],
];

for (const [name, doc, ops, want] of rfcExamples) {
  test(`json patch: RFC 6902 ${name}`, () => assert.deepEqual(apply(doc, ops), want));
}

const failures: Array<[string, unknown, unknown[]]> = [
  ['A.9 test a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
  ['A.12 add to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
  ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
  ['remove a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }]],
  ['replace a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]],
  ['array index out of range', { a: [1] }, [{ op: 'add', path: '/a/2', value: 2 }]],
  ['leading zero index', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }]],
  ['"-" is not an index for remove', { a: [1, 2] }, [{ op: 'remove', path: '/a/-' }]],
  ['unknown op', { a: 1 }, [{ op: 'frobnicate', path: '/a' }]],
  ['missing value', { a: 1 }, [{ op: 'add', path: '/b' }]],
  ['move into own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]],
  ['pointer without leading slash', { a: 1 }, [{ op: 'remove', path: 'a' }]],
];

for (const [name, doc, ops] of failures) {
  test(`json patch: ${name} is a 422 Invalid`, () => {
    assert.throws(() => apply(doc, ops), (err: unknown) => {
      assert.ok(err instanceof PatchApplyError);
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      assert.equal(err.message, 'the server rejected our request due to an error in our request');
      return true;
    });
  });
}

test('json patch: a failed test names the path in its detail', () => {
  assert.throws(() => apply({ spec: { replicas: 1 } }, [{ op: 'test', path: '/spec/replicas', value: 2 }]),
    (err: unknown) => err instanceof PatchApplyError && err.detail === 'testing value /spec/replicas failed: test failed');
});

test('json patch: operations apply in order and a failure leaves the input untouched', () => {
  const doc = { a: [1, 2, 3] };
  assert.throws(() => apply(doc, [{ op: 'remove', path: '/a/0' }, { op: 'test', path: '/a/0', value: 9 }]));
  assert.deepEqual(doc, { a: [1, 2, 3] });
  const out = apply(doc, [{ op: 'remove', path: '/a/0' }, { op: 'add', path: '/a/0', value: 0 }]);
  assert.deepEqual(out, { a: [0, 2, 3] });
  assert.deepEqual(doc, { a: [1, 2, 3] });
});

test('json patch: values added are copies, not shared with the patch', () => {
  const value = { x: 1 };
  const out = apply({}, [{ op: 'add', path: '/v', value }]) as { v: { x: number } };
  out.v.x = 2;
  assert.equal(value.x, 1);
});

test('json patch: kubectl-style metadata label edit with escaped slash', () => {
  const pod = { metadata: { labels: { 'app.kubernetes.io/name': 'web' } } };
  const out = apply(pod, [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'api' }]);
  assert.deepEqual(out, { metadata: { labels: { 'app.kubernetes.io/name': 'api' } } });
});

test('json patch: decode refuses non-lists and bad JSON with 400, huge patches with 413', () => {
  for (const body of ['{"op":"add"}', 'not json', '[1]']) {
    assert.throws(() => decodeJsonPatch(body), (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest');
  }
  const many = JSON.stringify(Array.from({ length: 10001 }, () => ({ op: 'test', path: '', value: {} })));
  assert.throws(() => decodeJsonPatch(many), (err: unknown) => err instanceof StatusError && err.code === 413);
  assert.deepEqual(decodeJsonPatch('[{"op":"remove","path":"/a"}]'), [{ op: 'remove', path: '/a' }]);
});

test('json patch: pointers round-trip escapes', () => {
  assert.deepEqual(parsePointer('/a~1b/c~0d/'), ['a/b', 'c~d', '']);
  assert.equal(formatPointer(['a/b', 'c~d']), '/a~1b/c~0d');
  assert.deepEqual(parsePointer(''), []);
});
