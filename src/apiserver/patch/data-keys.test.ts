// Keys that are also names of Object.prototype's members (`__proto__`, `constructor`) are data in
// every patch flavour: they are kept, merged and removed like any key, and nothing a request sends
// reaches Object.prototype.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { FieldSet } from './field-set.js';
import { applyPatchByType, type PatchContext } from './index.js';
import { clone, deepEqual } from './json.js';

const ctx: PatchContext = { gvk: { group: '', version: 'v1', kind: 'ConfigMap' }, apiVersion: 'v1', manager: 'test', force: false, name: 'cm', namespace: 'default', now: '2025-01-01T00:00:00Z' };
const podCtx: PatchContext = { ...ctx, gvk: { group: '', version: 'v1', kind: 'Pod' }, name: 'p' };
const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype).sort();

/** A ConfigMap whose data holds the awkward keys, as decoded from JSON. */
function live(): any {
  return JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{"__proto__":"p","constructor":"c","a":"1"}}');
}

const patch = (type: string, body: string, target: object | undefined = live(), c = ctx): any => applyPatchByType(type, target, body, c);
const create = (body: string): any => applyPatchByType(APPLY, undefined, body, ctx);
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const APPLY = 'application/apply-patch+yaml';

afterEach(() => {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_MEMBERS, 'Object.prototype gained members');
  assert.equal((({}) as any).polluted, undefined);
});

test('data keys: clone and deepEqual keep __proto__ and constructor', () => {
  const obj = live();
  const copy = clone(obj);
  assert.deepEqual(Object.keys(copy.data), ['__proto__', 'constructor', 'a']);
  assert.equal(Object.getPrototypeOf(copy.data), Object.prototype);
  assert.equal(JSON.stringify(copy), JSON.stringify(obj));
  assert.ok(deepEqual(copy, obj));
  assert.ok(!deepEqual({ a: 1 }, JSON.parse('{"__proto__":1}')));
});

test('data keys: a merge patch with __proto__ merges data, never the prototype', () => {
  for (const body of ['{"__proto__":{"polluted":1}}', '{"metadata":{"__proto__":{"polluted":1}}}', '{"data":{"__proto__":{"polluted":1}}}']) {
    const out = patch(MERGE, body);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(out.polluted, undefined, body);
  }
  const out = patch(MERGE, '{"data":{"__proto__":"p2","constructor":null,"toString":"t"}}');
  assert.equal(JSON.stringify(out.data), '{"__proto__":"p2","a":"1","toString":"t"}');
  assert.equal(Object.getPrototypeOf(out.data), Object.prototype);
  const removed = patch(MERGE, '{"data":{"__proto__":null}}');
  assert.deepEqual(Object.keys(removed.data), ['constructor', 'a']);
});

test('data keys: a strategic merge patch with __proto__ and directives on such keys', () => {
  for (const body of ['{"__proto__":{"polluted":1}}', '{"metadata":{"__proto__":{"polluted":1}}}', '{"data":{"$patch":"replace","__proto__":{"polluted":1}}}']) {
    const out = patch(SMP, body);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(out.polluted, undefined);
  }
  const out = patch(SMP, '{"data":{"__proto__":"p2","constructor":"c2","hasOwnProperty":"h"}}');
  assert.equal(JSON.stringify(out.data), '{"__proto__":"p2","constructor":"c2","a":"1","hasOwnProperty":"h"}');
  assert.equal(JSON.stringify(patch(SMP, '{"data":{"constructor":null}}').data), '{"__proto__":"p","a":"1"}');
  assert.equal(JSON.stringify(patch(SMP, '{"data":{"$retainKeys":["__proto__"],"__proto__":"x"}}').data), '{"__proto__":"x"}');
  // A merge key or list named like a prototype member is not found on the prototype.
  const pod = JSON.parse('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}');
  assert.throws(() => patch(SMP, '{"spec":{"containers":[{"constructor":"x"}]}}', pod, podCtx), (e: unknown) => e instanceof StatusError && e.code === 400);
  const lists = patch(SMP, '{"spec":{"$setElementOrder/constructor":[],"$deleteFromPrimitiveList/__proto__":["x"]}}', pod, podCtx);
  assert.equal(lists.spec.containers.length, 1);
});

test('data keys: JSON patch operations on /data/__proto__ and /data/constructor', () => {
  const ops = (o: object[]) => patch(JSON_PATCH, JSON.stringify(o));
  assert.equal(JSON.stringify(ops([{ op: 'add', path: '/data/__proto__', value: { polluted: 1 } }]).data), '{"__proto__":{"polluted":1},"constructor":"c","a":"1"}');
  assert.equal(JSON.stringify(ops([{ op: 'replace', path: '/data/constructor', value: 'c2' }]).data), '{"__proto__":"p","a":"1","constructor":"c2"}');
  assert.equal(JSON.stringify(ops([{ op: 'remove', path: '/data/__proto__' }]).data), '{"constructor":"c","a":"1"}');
  assert.equal(JSON.stringify(ops([{ op: 'move', from: '/data/__proto__', path: '/data/b' }]).data), '{"constructor":"c","a":"1","b":"p"}');
  assert.equal(JSON.stringify(ops([{ op: 'copy', from: '/data/constructor', path: '/data/__proto__' }]).data), '{"__proto__":"c","constructor":"c","a":"1"}');
  ops([{ op: 'test', path: '/data/__proto__', value: 'p' }]);
  const empty = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{}}');
  for (const path of ['/data/__proto__', '/data/constructor', '/data/toString', '/__proto__/polluted', '/constructor/prototype/polluted']) {
    assert.throws(() => patch(JSON_PATCH, JSON.stringify([{ op: 'test', path, value: 'x' }]), empty), PatchFailure, path);
    assert.throws(() => patch(JSON_PATCH, JSON.stringify([{ op: 'remove', path }]), empty), PatchFailure, path);
  }
  assert.throws(() => patch(JSON_PATCH, '[{"op":"add","path":"/__proto__/polluted","value":1}]', empty), PatchFailure);
  assert.throws(() => patch(JSON_PATCH, '[{"op":"add","path":"/constructor/prototype/polluted","value":1}]', empty), PatchFailure);
});

const PatchFailure = (e: unknown) => e instanceof StatusError && e.code === 422;

test('data keys: server-side apply owns and prunes __proto__ and constructor like any key', () => {
  const config = (data: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":${data}}`;
  const created = create(config('{"__proto__":"p","constructor":"c"}'));
  assert.equal(JSON.stringify(created.data), '{"__proto__":"p","constructor":"c"}');
  assert.equal(JSON.stringify(created.metadata.managedFields[0].fieldsV1), '{"f:data":{"f:__proto__":{},"f:constructor":{}}}');
  const next = patch(APPLY, config('{"constructor":"c2"}'), created);
  assert.equal(JSON.stringify(next.data), '{"constructor":"c2"}', 'the key the applier stopped declaring is pruned');
  const apply2 = create('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n__proto__: {polluted: 1}\ndata: {__proto__: {polluted: 1}}\n');
  assert.equal(Object.getPrototypeOf(apply2), Object.prototype);
  assert.equal(apply2.polluted, undefined);
});

test('data keys: managed fields with such keys decode and encode unchanged', () => {
  const fields = JSON.parse('{"f:data":{"__proto__":{"constructor":{}},"f:__proto__":{}}}');
  const set = FieldSet.fromFieldsV1(fields);
  assert.equal(set.size, 2);
  const encoded = set.toFieldsV1();
  assert.equal(JSON.stringify(encoded), JSON.stringify(fields));
  assert.equal(Object.getPrototypeOf(encoded['f:data']), Object.prototype);
});
