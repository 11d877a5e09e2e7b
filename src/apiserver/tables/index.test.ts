import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTable } from './index.js';
import { NOW, columns, row } from './testing.js';

const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'ns', uid: 'u1', resourceVersion: '7', creationTimestamp: '2024-01-02T03:04:05Z' }, rules: [] };

test('resources without a printer get the default Name / Created At table', () => {
  assert.deepEqual(columns('rbac.authorization.k8s.io', 'roles'), ['Name:string:name:0', 'Created At:date::0']);
  assert.deepEqual(row('rbac.authorization.k8s.io', 'roles', role), { Name: 'reader', 'Created At': '2024-01-02T03:04:05Z' });
  assert.deepEqual(row('example.com', 'widgets', { metadata: { name: 'w', creationTimestamp: '2024-01-02T03:04:05.250Z' } }), { Name: 'w', 'Created At': '2024-01-02T03:04:05Z' });
  // A core resource name with a printer in another group is not confused with it.
  assert.deepEqual(columns('example.com', 'pods'), ['Name:string:name:0', 'Created At:date::0']);
});

test('the table carries kind, apiVersion and the list metadata', () => {
  const t = buildTable('rbac.authorization.k8s.io', 'roles', [role], { now: NOW, listMeta: { resourceVersion: '42', continue: 'abc', remainingItemCount: 3 } });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'abc', remainingItemCount: 3 });
  assert.deepEqual(buildTable('', 'pods', [], {}).metadata, {});
  for (const c of t.columnDefinitions) assert.ok(c.description.length > 0, `${c.name} has a description`);
});

test('rows hold PartialObjectMetadata by default, the object, or nothing', () => {
  const metadataRow = buildTable('rbac.authorization.k8s.io', 'roles', [role], { now: NOW }).rows[0];
  assert.deepEqual(metadataRow.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: role.metadata });
  assert.equal(buildTable('rbac.authorization.k8s.io', 'roles', [role], { includeObject: 'Object' }).rows[0].object, role);
  const none = buildTable('rbac.authorization.k8s.io', 'roles', [role], { includeObject: 'None' }).rows[0];
  assert.equal('object' in none, false);
});

test('server-side tables always carry the wide cells', () => {
  // Server-side tables always carry the wide cells; kubectl drops priority-1 columns itself.
  const t = buildTable('', 'pods', [{ metadata: { name: 'p' }, spec: { containers: [] }, status: {} }], { now: NOW });
  assert.equal(t.rows[0].cells.length, t.columnDefinitions.length);
  assert.deepEqual(t.rows[0].cells, ['p', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
});
