import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { FakeInformer } from '../cluster/fake-context.js';
import { controllerOrAdopters, selectorOf, type OwnerKind } from './selecting-owners.js';
import type { ReplicaSet } from './types.js';

const rs = (name: string, namespace: string, app: string): ReplicaSet => ({
  metadata: { name, namespace, uid: `uid-${name}` },
  spec: { selector: { matchLabels: { app } }, template: {} },
});
const pod = (name: string, labels: Record<string, string>, owner?: { kind: string; name: string }): KubeObject => ({
  metadata: {
    name, namespace: 'ns', labels,
    ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: `uid-${owner.name}`, controller: true }] : undefined,
  },
});

function setup(...pods: KubeObject[]) {
  const owners = new FakeInformer<ReplicaSet>().set(rs('web', 'ns', 'web'), rs('web2', 'ns', 'web'), rs('db', 'ns', 'db'), rs('other', 'elsewhere', 'web'));
  const kind: OwnerKind<ReplicaSet> = { kind: 'ReplicaSet', owners: owners as unknown as Informer<ReplicaSet>, selector: r => selectorOf(r.spec.selector) };
  const cache = new FakeInformer().set(...pods) as unknown as Informer;
  return { kind, cache };
}

test('a controlled object leads to its controller of the kind, or to none for another kind', () => {
  const p = pod('a', { app: 'web' }, { kind: 'ReplicaSet', name: 'web' });
  const { kind, cache } = setup(p);
  assert.deepEqual(controllerOrAdopters(kind, p, cache), ['ns/web']);
  const q = pod('b', { app: 'web' }, { kind: 'StatefulSet', name: 'web' });
  assert.deepEqual(controllerOrAdopters(kind, q, setup(q).cache), []);
});

test('an orphan leads to every owner in its namespace whose selector matches it, and that may adopt it', () => {
  const p = pod('a', { app: 'web' });
  const { kind, cache } = setup(p);
  assert.deepEqual(controllerOrAdopters(kind, p, cache).sort(), ['ns/web', 'ns/web2']);
  assert.deepEqual(controllerOrAdopters({ ...kind, mayAdopt: owner => owner.metadata.name === 'web2' }, p, cache), ['ns/web2']);
});

test('an orphan the cache no longer has, or has since adopted, needs no adopter', () => {
  const p = pod('a', { app: 'web' });
  assert.deepEqual(controllerOrAdopters(setup().kind, p, setup().cache), []);
  const { kind, cache } = setup(pod('a', { app: 'web' }, { kind: 'ReplicaSet', name: 'web' }));
  assert.deepEqual(controllerOrAdopters(kind, p, cache), []);
});

test('an unparseable selector selects nothing', () => {
  assert.equal(selectorOf({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), null);
  assert.ok(selectorOf({ matchLabels: { app: 'web' } })?.matches({ app: 'web' }));
});
