import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import { knownObjectJson, objectJson, StoredText } from './object-json.js';

const objects = (): KubeObject[] => [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '4', labels: { a: '"q"' }, uid: undefined }, spec: { x: [1, null, 'y'] }, status: undefined },
  { kind: 'ConfigMap', metadata: {}, data: { k: 'v\n' } } as KubeObject,
  { metadata: { resourceVersion: '9' }, apiVersion: 'v1', kind: 'Namespace' } as KubeObject,
];

test('the stored text is the JSON without resourceVersion; the remembered JSON is the object read back', () => {
  for (const obj of objects()) {
    const stored = new StoredText(obj);
    assert.equal(stored.text, JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } }));
    // As the store's reader leaves it: resourceVersion last.
    const { resourceVersion: _, ...meta } = obj.metadata;
    obj.metadata = { ...meta, resourceVersion: '12' };
    const expected = JSON.stringify(obj);
    stored.rememberAs(obj, 12);
    // Changed afterwards (never done to a cached object), the object's JSON is still the
    // remembered text: proof that the text was kept rather than made again.
    obj.metadata.labels = { changed: 'after' };
    assert.equal(objectJson(obj), expected);
  }
});

test('knownObjectJson gives the JSON objectJson kept for an object, and makes none', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '3' }, data: { k: 'v' } } as KubeObject;
  assert.equal(knownObjectJson(obj), undefined);
  assert.equal(knownObjectJson(obj), undefined);
  const json = objectJson(obj);
  assert.equal(json, JSON.stringify(obj));
  assert.equal(knownObjectJson(obj), json);
});
