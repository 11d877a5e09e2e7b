import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, formatPath } from './field-set.js';

const FIELDS = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
  },
};

test('field set: FieldsV1 decodes into member paths and encodes back identically', () => {
  const set = FieldSet.fromFieldsV1(FIELDS);
  assert.ok(set.has(['f:metadata', 'f:labels']), '`.` makes an inner node a member');
  assert.ok(!set.has(['f:spec']), 'inner nodes without `.` are not members');
  assert.ok(set.has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']));
  assert.equal(set.size, 6);
  assert.deepEqual(set.toFieldsV1(), FIELDS);
  assert.deepEqual(JSON.stringify(set.toFieldsV1()), JSON.stringify(FIELDS), 'key order: `.` first, then sorted');
});

test('field set: union, difference, intersection and descendants', () => {
  const a = new FieldSet([['f:a'], ['f:b', 'f:c']]);
  const b = new FieldSet([['f:b', 'f:c'], ['f:d']]);
  assert.equal(a.union(b).size, 3);
  assert.deepEqual(a.difference(b).paths(), [['f:a']]);
  assert.deepEqual(a.intersection(b).paths(), [['f:b', 'f:c']]);
  assert.ok(a.hasDescendants(['f:b']));
  assert.ok(!a.hasDescendants(['f:a']));
  assert.ok(a.hasDescendants([]));
});

test('field set: paths print as upstream prints them in conflicts', () => {
  assert.equal(formatPath(['f:spec', 'f:replicas']), '.spec.replicas');
  assert.equal(formatPath(['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']), '.spec.containers[name="nginx"].image');
  assert.equal(formatPath(['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']), '.ports[containerPort=80,protocol="TCP"]');
  assert.equal(formatPath(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
});

test('field set: paths stay distinct whatever characters their field names hold', () => {
  const odd = [['f:a\0f:b'], ['f:a', 'f:b'], ['f:a\0', 'f:b'], ['\0["f:a"]'], []];
  const set = new FieldSet(odd);
  assert.equal(set.size, odd.length);
  for (const p of odd) assert.ok(set.has(p));
  assert.ok(!set.has(['f:a']));
});
