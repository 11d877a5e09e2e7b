import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { applyPatchByType, type PatchContext } from './index.js';

const ctx: PatchContext = { gvk: { group: '', version: 'v1', kind: 'ConfigMap' }, apiVersion: 'v1', manager: 'test', force: false, name: 'cm', namespace: 'default', now: '2025-01-01T00:00:00Z' };
const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: '1', b: '2' } };

test('dispatch: each patch media type reaches its implementation', () => {
  assert.deepEqual((applyPatchByType('application/json-patch+json', live, '[{"op":"remove","path":"/data/a"}]', ctx) as any).data, { b: '2' });
  assert.deepEqual((applyPatchByType('application/merge-patch+json', live, Buffer.from('{"data":{"a":null,"c":"3"}}'), ctx) as any).data, { b: '2', c: '3' });
  assert.deepEqual((applyPatchByType('application/strategic-merge-patch+json', live, '{"data":{"b":"x"}}', ctx) as any).data, { a: '1', b: 'x' });
  assert.deepEqual(live.data, { a: '1', b: '2' }, 'input untouched');
});

test('dispatch: apply takes YAML (or JSON) and may create', () => {
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  k: v\n';
  const created = applyPatchByType('application/apply-patch+yaml', undefined, yaml, ctx) as any;
  assert.deepEqual(created.data, { k: 'v' });
  assert.deepEqual(created.metadata.managedFields[0].fieldsV1, { 'f:data': { 'f:k': {} } });
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'w' } });
  assert.equal((applyPatchByType('application/apply-patch+yaml', created, json, ctx) as any).data.k, 'w');
  assert.throws(() => applyPatchByType('application/apply-patch+yaml', undefined, 'a: [', ctx), (err: unknown) => err instanceof StatusError && err.code === 400);
});

test('dispatch: other media types are 415 listing the accepted ones', () => {
  assert.throws(() => applyPatchByType('application/json', live, '{}', ctx), (err: unknown) =>
    err instanceof StatusError && err.code === 415 && err.reason === 'UnsupportedMediaType'
    && err.message === 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json');
});

test('dispatch: a patch may not rename the object or make it a non-object', () => {
  assert.throws(() => applyPatchByType('application/merge-patch+json', live, '{"metadata":{"name":"other"}}', ctx),
    (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'the name of the object (other) does not match the name on the URL (cm)');
  assert.throws(() => applyPatchByType('application/merge-patch+json', live, '[1]', ctx), (err: unknown) => err instanceof StatusError && err.code === 400);
});
