import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import { R } from '../../client/resources.js';
import { decideForDeletingOwner, decideForDependent, type OwnerState } from './gc-decision.js';
import { OwnerGraph, nodeOf } from './gc-graph.js';

const owner = (uid: string, block = false) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true, blockOwnerDeletion: block });
const obj = (uid: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { uid, name: uid, namespace: 'ns', ...meta } });
const states = (s: Record<string, OwnerState>) => new Map(Object.entries(s));

test('graph keeps reverse edges through updates and removals', () => {
  const g = new OwnerGraph();
  g.upsert(nodeOf(R.pods, obj('p1', { ownerReferences: [owner('rs1', true)] })));
  g.upsert(nodeOf(R.pods, obj('p2', { ownerReferences: [owner('rs1')] })));
  assert.deepEqual(g.dependents('rs1').map(n => n.uid).sort(), ['p1', 'p2']);
  assert.deepEqual(g.blockingDependents('rs1').map(n => n.uid), ['p1']);
  g.upsert(nodeOf(R.pods, obj('p2', { ownerReferences: [owner('rs2')] })));
  assert.deepEqual(g.dependents('rs1').map(n => n.uid), ['p1']);
  g.remove('p1');
  assert.deepEqual(g.dependents('rs1'), []);
  assert.equal(g.size, 1);
});

test('background: a dependent whose owners are all gone is deleted', () => {
  const item = nodeOf(R.pods, obj('p', { ownerReferences: [owner('a')] }));
  assert.deepEqual(decideForDependent(item, states({ a: 'dangling' }), false), { type: 'delete', policy: 'Background' });
  assert.deepEqual(decideForDependent(item, states({ a: 'solid' }), false), { type: 'none' });
});

test('a solid owner keeps the dependent; references to gone or waiting owners are dropped', () => {
  const item = nodeOf(R.pods, obj('p', { ownerReferences: [owner('a'), owner('b'), owner('c')] }));
  assert.deepEqual(decideForDependent(item, states({ a: 'solid', b: 'dangling', c: 'waiting' }), false), { type: 'removeOwnerRefs', uids: ['b', 'c'] });
});

test('foreground: a dependent of a waiting owner is deleted, in the foreground if it has dependents', () => {
  const item = nodeOf(R.replicasets, obj('rs', { ownerReferences: [owner('d')] }));
  assert.deepEqual(decideForDependent(item, states({ d: 'waiting' }), true), { type: 'delete', policy: 'Foreground' });
  assert.deepEqual(decideForDependent(item, states({ d: 'waiting' }), false), { type: 'delete', policy: 'Background' });
});

test('existing orphan/foreground finalizers on the dependent choose its propagation', () => {
  const o = nodeOf(R.pods, obj('p', { ownerReferences: [owner('a')], finalizers: ['orphan'] }));
  assert.deepEqual(decideForDependent(o, states({ a: 'dangling' }), false), { type: 'delete', policy: 'Orphan' });
  const f = nodeOf(R.pods, obj('p', { ownerReferences: [owner('a')], finalizers: ['foregroundDeletion'] }));
  assert.deepEqual(decideForDependent(f, states({ a: 'dangling' }), false), { type: 'delete', policy: 'Foreground' });
});

test('objects already being deleted are left alone as dependents', () => {
  const item = nodeOf(R.pods, obj('p', { ownerReferences: [owner('a')], deletionTimestamp: '2024-01-01T00:00:00Z' }));
  assert.deepEqual(decideForDependent(item, states({ a: 'dangling' }), false), { type: 'none' });
});

test('foreground owner waits for blocking dependents, then drops its finalizer', () => {
  const g = new OwnerGraph();
  const d = nodeOf(R.deployments, obj('d', { deletionTimestamp: 'x', finalizers: ['foregroundDeletion'] }));
  g.upsert(d);
  g.upsert(nodeOf(R.replicasets, obj('rs', { ownerReferences: [owner('d', true)] })));
  g.upsert(nodeOf(R.replicasets, obj('rs2', { ownerReferences: [owner('d', false)] })));
  const a = decideForDeletingOwner(d, g.dependents('d'), g.blockingDependents('d'));
  assert.equal(a.type, 'waitFor');
  assert.deepEqual(a.type === 'waitFor' && a.dependents.map(n => n.uid), ['rs']);
  g.remove('rs');
  assert.deepEqual(decideForDeletingOwner(d, g.dependents('d'), g.blockingDependents('d')), { type: 'removeFinalizer', finalizer: 'foregroundDeletion' });
});

test('orphan owner releases its dependents, then drops its finalizer', () => {
  const g = new OwnerGraph();
  const rs = nodeOf(R.replicasets, obj('rs', { deletionTimestamp: 'x', finalizers: ['orphan'] }));
  g.upsert(rs);
  g.upsert(nodeOf(R.pods, obj('p', { ownerReferences: [owner('rs')] })));
  const a = decideForDeletingOwner(rs, g.dependents('rs'), g.blockingDependents('rs'));
  assert.equal(a.type, 'orphanDependents');
  g.upsert(nodeOf(R.pods, obj('p', { ownerReferences: [] })));
  assert.deepEqual(decideForDeletingOwner(rs, g.dependents('rs'), []), { type: 'removeFinalizer', finalizer: 'orphan' });
});
