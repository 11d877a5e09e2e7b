import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonPath, JsonPathError } from './jsonpath.js';

const obj = {
  metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: { replicas: 3, items: [{ name: 'x' }, { name: 'y' }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] },
};

test('fields, indexes, wildcards and quoted names', () => {
  assert.deepEqual(JsonPath.parse('.spec.replicas').find(obj), [3]);
  assert.deepEqual(JsonPath.parse('{.spec.items[1].name}').find(obj), ['y']);
  assert.deepEqual(JsonPath.parse('.spec.items[-1].name').find(obj), ['y']);
  assert.deepEqual(JsonPath.parse('.spec.items[*].name').find(obj), ['x', 'y']);
  assert.deepEqual(JsonPath.parse(".metadata.labels['app.kubernetes.io/name']").find(obj), ['web']);
  assert.deepEqual(JsonPath.parse('.spec.missing').find(obj), []);
  assert.deepEqual(JsonPath.parse('.spec.replicas.deeper').find(obj), []);
});

test('filters select list items by a field', () => {
  assert.deepEqual(JsonPath.parse('.status.conditions[?(@.type=="Ready")].status').find(obj), ['True']);
  assert.deepEqual(JsonPath.parse(".status.conditions[?(@.type != 'Ready')].type").find(obj), ['Synced']);
  assert.deepEqual(JsonPath.parse('.status.conditions[?(@.reason)]').find(obj), []);
});

test('simple field paths are recognised; bad syntax is a JsonPathError', () => {
  assert.deepEqual(JsonPath.parse('.spec.replicas').fieldNames(), ['spec', 'replicas']);
  assert.equal(JsonPath.parse('.spec.items[0]').fieldNames(), undefined);
  assert.throws(() => JsonPath.parse('.spec[0'), JsonPathError);
  assert.throws(() => JsonPath.parse('spec'), JsonPathError);
});
