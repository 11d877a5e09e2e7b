// The generic store's metadata semantics, in the manner of upstream's
// staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store_test.go: deletion with
// finalizers and propagation policies, graceful deletion, preconditions, generation, the
// status/spec split and create-on-update. The store runs on the real in-memory backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import { InternalError, StatusError } from '../../api/errors.js';
import { FieldSelector } from '../../api/selectors/field-selector.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import type { DeleteOptions, KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory.js';
import { aesGcmTransformer } from '../../storage/encryption/aes.js';
import { PrefixTransformers } from '../../storage/encryption/transformer.js';
import { TransformingStore } from '../../storage/encryption/transforming-store.js';
import { AdmissionChain } from '../admission/types.js';
import { systemContext } from '../context.js';
import { GenericStore } from './generic-store.js';
import type { StoreConversion } from './store-conversion.js';
import { statusSplitStrategy, type ResourceStrategy } from './strategy.js';

const ctx = systemContext('store-test');

async function storeOf(group: string, version: string, resource: string, strategy: ResourceStrategy): Promise<GenericStore> {
  const info = ResourceCatalog.shared().find(group, version, resource)!;
  const store = new GenericStore(info, new MemoryStore(), strategy, new AdmissionChain([]));
  await store.start();
  return store;
}

/** Pods with a graceful strategy that honours the requested grace period (30s by default), as upstream's test strategy. */
const gracefulPods = () => storeOf('', 'v1', 'pods', statusSplitStrategy({ tracksGeneration: true, gracePeriodSeconds: (_obj, options) => options.gracePeriodSeconds ?? 30 }));
/** ConfigMaps: no graceful deletion, no status, no generation. */
const configMaps = (strategy: ResourceStrategy = {}) => storeOf('', 'v1', 'configmaps', strategy);

type PodLike = KubeObject & { spec: { containers: { name: string; image: string }[] }; status?: Record<string, unknown> };
const pod = (finalizers?: string[]): PodLike => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(finalizers ? { finalizers } : {}) }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const configMap = (finalizers?: string[], data: Record<string, string> = { a: '1' }): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...(finalizers ? { finalizers } : {}) }, data });

/** A copy of the pod with another image (the one spec change a pod update may make). */
function withImage(p: PodLike, image: string): PodLike {
  const copy = structuredClone(p);
  copy.spec.containers[0].image = image;
  return copy;
}

async function rejects(p: Promise<unknown>, code: number, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

test('propagationPolicy: Orphan and Foreground add their finalizer and drop the other, Background drops both', async () => {
  const cases: { name: string; finalizers: string[]; options: DeleteOptions; want: string[] | 'deleted' }[] = [
    { name: 'Orphan', finalizers: ['example.com/keep'], options: { propagationPolicy: 'Orphan' }, want: ['example.com/keep', 'orphan'] },
    { name: 'Foreground', finalizers: ['example.com/keep'], options: { propagationPolicy: 'Foreground' }, want: ['example.com/keep', 'foregroundDeletion'] },
    { name: 'Background', finalizers: ['example.com/keep'], options: { propagationPolicy: 'Background' }, want: ['example.com/keep'] },
    { name: 'Orphan over foregroundDeletion', finalizers: ['foregroundDeletion'], options: { propagationPolicy: 'Orphan' }, want: ['orphan'] },
    { name: 'Foreground over orphan', finalizers: ['orphan'], options: { propagationPolicy: 'Foreground' }, want: ['foregroundDeletion'] },
    { name: 'Background removes orphan: nothing holds the object', finalizers: ['orphan'], options: { propagationPolicy: 'Background' }, want: 'deleted' },
    { name: 'no policy keeps orphan', finalizers: ['orphan'], options: {}, want: ['orphan'] },
    { name: 'no policy keeps foregroundDeletion', finalizers: ['foregroundDeletion'], options: {}, want: ['foregroundDeletion'] },
    { name: 'orphanDependents=true', finalizers: [], options: { orphanDependents: true }, want: ['orphan'] },
    { name: 'orphanDependents=false removes orphan', finalizers: ['orphan', 'example.com/keep'], options: { orphanDependents: false }, want: ['example.com/keep'] },
    { name: 'no finalizers, no policy', finalizers: [], options: {}, want: 'deleted' },
  ];
  for (const c of cases) {
    const store = await configMaps();
    await store.create(ctx, 'default', configMap(c.finalizers));
    const { object, deleted } = await store.delete(ctx, 'default', 'c', c.options);
    if (c.want === 'deleted') {
      assert.equal(deleted, true, c.name);
      assert.throws(() => store.get('default', 'c'), c.name);
    } else {
      assert.equal(deleted, false, c.name);
      assert.deepEqual(object.metadata.finalizers, c.want, c.name);
      assert.deepEqual(store.get('default', 'c').metadata.finalizers, c.want, c.name);
      assert.ok(object.metadata.deletionTimestamp, c.name);
      assert.equal(object.metadata.deletionGracePeriodSeconds, 0, c.name);
    }
    store.cache.stop();
  }
});

test('an object held by finalizers (no grace period) still takes a new propagationPolicy', async () => {
  const store = await configMaps();
  await store.create(ctx, 'default', configMap(['example.com/keep']));
  const first = (await store.delete(ctx, 'default', 'c', { propagationPolicy: 'Orphan' })).object;
  const second = (await store.delete(ctx, 'default', 'c', { propagationPolicy: 'Foreground' })).object;
  assert.deepEqual(second.metadata.finalizers, ['example.com/keep', 'foregroundDeletion']);
  assert.equal(second.metadata.deletionTimestamp, first.metadata.deletionTimestamp);
  // Asked again the same way: nothing to change, nothing written.
  const third = (await store.delete(ctx, 'default', 'c', { propagationPolicy: 'Foreground' })).object;
  assert.equal(third.metadata.resourceVersion, second.metadata.resourceVersion);
  store.cache.stop();
});

test('clearing the last finalizer of an object awaiting deletion deletes it', async () => {
  const store = await configMaps();
  await store.create(ctx, 'default', configMap(['example.com/keep']));
  const { object } = await store.delete(ctx, 'default', 'c');
  await store.update(ctx, 'default', 'c', { ...object, metadata: { ...object.metadata, finalizers: [] } });
  assert.throws(() => store.get('default', 'c'), /not found/);
  store.cache.stop();
});

test('graceful deletion: marked with the grace period; a shorter one shortens it, a longer one or none changes nothing', async () => {
  const store = await gracefulPods();
  const created = await store.create(ctx, 'default', pod());
  assert.equal(created.metadata.generation, 1);
  const t0 = Date.now();
  const first = await store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 30 });
  assert.equal(first.deleted, false);
  assert.equal(first.object.metadata.deletionGracePeriodSeconds, 30);
  const deadline = Date.parse(first.object.metadata.deletionTimestamp!);
  assert.ok(deadline >= Math.floor(t0 / 1000) * 1000 + 30_000 && deadline <= Date.now() + 30_000, first.object.metadata.deletionTimestamp);
  // The first graceful deletion bumps the generation.
  assert.equal(first.object.metadata.generation, 2);

  for (const longer of [{ gracePeriodSeconds: 60 }, { gracePeriodSeconds: 30 }, {}]) {
    const again = await store.delete(ctx, 'default', 'p', longer);
    assert.equal(again.deleted, false);
    assert.equal(again.object.metadata.deletionGracePeriodSeconds, 30, JSON.stringify(longer));
    assert.equal(again.object.metadata.deletionTimestamp, first.object.metadata.deletionTimestamp);
    assert.equal(again.object.metadata.resourceVersion, first.object.metadata.resourceVersion, 'nothing written');
  }

  // Shortened from 30 to 10 seconds: the deadline moves 20 seconds earlier, counted from the first request.
  const shorter = await store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 10 });
  assert.equal(shorter.deleted, false);
  assert.equal(shorter.object.metadata.deletionGracePeriodSeconds, 10);
  assert.equal(Date.parse(shorter.object.metadata.deletionTimestamp!), deadline - 20_000);
  assert.equal(shorter.object.metadata.generation, 2);

  const now = await store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 0 });
  assert.equal(now.deleted, true);
  assert.throws(() => store.get('default', 'p'), /not found/);
  store.cache.stop();
});

test('graceful deletion of an object with finalizers: grace 0 leaves it to the finalizers', async () => {
  const store = await gracefulPods();
  await store.create(ctx, 'default', pod(['example.com/keep']));
  await store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 30 });
  const zero = await store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 0 });
  assert.equal(zero.deleted, false);
  assert.equal(zero.object.metadata.deletionGracePeriodSeconds, 0);
  assert.deepEqual(zero.object.metadata.finalizers, ['example.com/keep']);
  store.cache.stop();
});

test('delete preconditions: UID and resourceVersion mismatches are 409 Conflict with upstream messages', async () => {
  const store = await gracefulPods();
  const p = await store.create(ctx, 'default', pod());
  const uid = p.metadata.uid!;
  const rv = p.metadata.resourceVersion!;
  await rejects(store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 0, preconditions: { uid: 'other' } }), 409,
    `Operation cannot be fulfilled on Pod "p": the UID in the precondition (other) does not match the UID in record (${uid}). The object might have been deleted and then recreated`);
  await rejects(store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 0, preconditions: { resourceVersion: '1' + rv } }), 409,
    `Operation cannot be fulfilled on Pod "p": the ResourceVersion in the precondition (1${rv}) does not match the ResourceVersion in record (${rv}). The object might have been modified`);
  const err = await store.delete(ctx, 'default', 'p', { preconditions: { uid: 'other' } }).catch((e: StatusError) => e);
  assert.deepEqual((err as StatusError).toStatus().details, { name: 'p', kind: 'Pod' });
  // Matching preconditions: deleted.
  assert.equal((await store.delete(ctx, 'default', 'p', { gracePeriodSeconds: 0, preconditions: { uid, resourceVersion: rv } })).deleted, true);
  store.cache.stop();
});

test('update preconditions: a stale resourceVersion or another UID is 409 Conflict; no resourceVersion updates unconditionally', async () => {
  const store = await configMaps();
  const c = await store.create(ctx, 'default', configMap());
  const rv = c.metadata.resourceVersion!;
  const updated = (await store.update(ctx, 'default', 'c', configMap(undefined, { a: '2' }))).object;
  assert.notEqual(updated.metadata.resourceVersion, rv);
  await rejects(store.update(ctx, 'default', 'c', { ...configMap(undefined, { a: '3' }), metadata: { name: 'c', resourceVersion: rv } }), 409,
    'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again');
  await rejects(store.update(ctx, 'default', 'c', { ...configMap(undefined, { a: '3' }), metadata: { name: 'c', uid: 'other' } }), 409,
    `Operation cannot be fulfilled on configmaps "c": StorageError: invalid object, Code: 4, Key: /registry/configmaps/default/c, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: other, UID in object meta: ${c.metadata.uid}`);
  // A missing object fails a UID precondition too, even where PUT may create.
  const creating = await configMaps({ allowCreateOnUpdate: true });
  await rejects(creating.update(ctx, 'default', 'c', { ...configMap(), metadata: { name: 'c', uid: 'other' } }), 409,
    'Operation cannot be fulfilled on configmaps "c": StorageError: invalid object, Code: 4, Key: /registry/configmaps/default/c, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: other, UID in object meta: ');
  creating.cache.stop();
  // The right UID and resourceVersion: accepted.
  const ok = (await store.update(ctx, 'default', 'c', { ...configMap(undefined, { a: '4' }), metadata: { name: 'c', uid: c.metadata.uid, resourceVersion: updated.metadata.resourceVersion } })).object as KubeObject & { data: unknown };
  assert.deepEqual(ok.data, { a: '4' });
  assert.equal(ok.metadata.uid, c.metadata.uid);
  store.cache.stop();
});

test('generation: 1 on create, bumped by a spec change only (not metadata or status)', async () => {
  const store = await gracefulPods();
  await store.create(ctx, 'default', pod());
  const live = () => store.get('default', 'p') as PodLike;
  const labelled = { ...live(), metadata: { ...live().metadata, labels: { a: 'b' } } };
  assert.equal((await store.update(ctx, 'default', 'p', labelled)).object.metadata.generation, 1);
  const withStatus = { ...live(), status: { phase: 'Running' } };
  assert.equal((await store.update(ctx, 'default', 'p', withStatus, { subresource: 'status' })).object.metadata.generation, 1);
  const newImage = withImage(live(), 'busybox:2');
  assert.equal((await store.update(ctx, 'default', 'p', newImage)).object.metadata.generation, 2);
  // Unchanged: nothing written, generation stays.
  const same = await store.update(ctx, 'default', 'p', live());
  assert.equal(same.object.metadata.generation, 2);
  assert.equal(same.object.metadata.resourceVersion, live().metadata.resourceVersion);
  // Resources that do not track generation have none.
  const cms = await configMaps();
  const c = await cms.create(ctx, 'default', { ...configMap(), metadata: { name: 'c', generation: 7 } });
  assert.equal(c.metadata.generation, undefined);
  store.cache.stop();
  cms.cache.stop();
});

test('status split: the main resource ignores status; the status subresource ignores spec and metadata', async () => {
  const store = await gracefulPods();
  const created = await store.create(ctx, 'default', { ...pod(), status: { phase: 'Running' } });
  assert.equal(created.status, undefined, 'status is not set on create');
  const live = () => store.get('default', 'p') as PodLike;

  const main = (await store.update(ctx, 'default', 'p', { ...withImage(live(), 'busybox:2'), status: { phase: 'Failed' } })).object as PodLike;
  assert.equal(main.spec.containers[0].image, 'busybox:2');
  assert.equal(main.status, undefined);

  const status = (await store.update(ctx, 'default', 'p', {
    ...withImage(live(), 'busybox:3'), metadata: { ...live().metadata, labels: { x: 'y' } }, status: { phase: 'Running' },
  }, { subresource: 'status' })).object as PodLike;
  assert.deepEqual(status.status, { phase: 'Running' });
  assert.equal(status.spec.containers[0].image, 'busybox:2');
  assert.equal(status.metadata.labels, undefined);

  const again = (await store.update(ctx, 'default', 'p', { ...live(), status: { phase: 'Failed' } })).object as PodLike;
  assert.deepEqual(again.status, { phase: 'Running' }, 'the main resource keeps the stored status');
  store.cache.stop();
});

test('create on update: PUT of a missing object creates it when the strategy allows, else 404', async () => {
  const allowing = await configMaps({ allowCreateOnUpdate: true });
  const { object, created } = await allowing.update(ctx, 'default', 'c', configMap());
  assert.equal(created, true);
  assert.ok(object.metadata.uid);
  assert.ok(object.metadata.creationTimestamp);
  assert.equal(object.metadata.namespace, 'default');
  assert.deepEqual(allowing.get('default', 'c').metadata.uid, object.metadata.uid);
  // Then an ordinary update.
  assert.equal((await allowing.update(ctx, 'default', 'c', configMap(undefined, { a: '2' }))).created, false);
  // Never through a subresource.
  await rejects(allowing.update(ctx, 'default', 'other', { ...configMap(), metadata: { name: 'other' } }, { subresource: 'status' }), 404, 'configmaps "other" not found');

  const refusing = await configMaps();
  await rejects(refusing.update(ctx, 'default', 'c', configMap()), 404, 'configmaps "c" not found');
  allowing.cache.stop();
  refusing.cache.stop();
});

test('a PUT naming another object than the URL is a 400', async () => {
  const store = await configMaps({ allowCreateOnUpdate: true });
  await rejects(store.update(ctx, 'default', 'd', configMap()), 400, 'the name of the object (c) does not match the name on the URL (d)');
  store.cache.stop();
});

test('an unchanged update of an object stored with an older encryption key writes it again (key rotation)', async () => {
  const keys = (...names: string[]) => new PrefixTransformers(names.map(n => ({ prefix: `${n}:`, transformer: aesGcmTransformer(Buffer.alloc(32, n.charCodeAt(0))) })), 'no matching key');
  const inner = new MemoryStore();
  const info = ResourceCatalog.shared().find('', 'v1', 'configmaps')!;
  const old = new GenericStore(info, new TransformingStore(inner, () => keys('a')), {}, new AdmissionChain([]));
  await old.start();
  const created = await old.create(ctx, 'ns', configMap());
  old.cache.stop();

  const rotating = new GenericStore(info, new TransformingStore(inner, () => keys('b', 'a')), {}, new AdmissionChain([]));
  await rotating.start();
  const live = rotating.get('ns', 'c');
  assert.equal(live.metadata.resourceVersion, created.metadata.resourceVersion);
  const { object } = await rotating.update(ctx, 'ns', 'c', structuredClone(live));
  assert.ok(Number(object.metadata.resourceVersion) > Number(created.metadata.resourceVersion), 'written again');
  assert.ok((await inner.get('/registry/configmaps/ns/c'))!.value.startsWith('b:'));
  assert.equal(live.metadata.resourceVersion, created.metadata.resourceVersion, 'the cached object is not changed in place');
  // Now current: the same update writes nothing.
  const again = await rotating.update(ctx, 'ns', 'c', structuredClone(rotating.get('ns', 'c')));
  assert.equal(again.object.metadata.resourceVersion, object.metadata.resourceVersion);
  rotating.cache.stop();
});

/**
 * An asynchronous conversion as a webhook-converted CRD has (store-conversion.ts): ConfigMaps
 * stored with `data.a` in lower case are read in upper case with a label saying so; `failing`
 * makes every conversion fail, as an unreachable webhook does.
 */
function upperCaseConversion(): StoreConversion & { failing: boolean } {
  const c = {
    failing: false,
    async convert(obj: KubeObject, up: boolean): Promise<KubeObject> {
      if (c.failing) throw new InternalError('conversion webhook for /v1, Kind=ConfigMap failed: connection refused');
      const data = obj.data as Record<string, string>;
      const labels = { ...obj.metadata.labels };
      if (up) labels.converted = 'yes'; else delete labels.converted;
      return { ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), labels }, data: { ...data, a: up ? data.a.toUpperCase() : data.a.toLowerCase() } };
    },
    toVersion: (obj: KubeObject) => c.convert(obj, true),
    toVersionList: (objs: KubeObject[]) => Promise.all(objs.map(o => c.convert(o, true))),
    toStorage: (obj: KubeObject) => c.convert(obj, false),
  };
  return c;
}

const dataOf = (o: KubeObject) => o.data as Record<string, string>;

test('an asynchronously converting store keeps objects as stored; reads, selectors, updates and deletes see them converted', async () => {
  const inner = new MemoryStore();
  const info = ResourceCatalog.shared().find('', 'v1', 'configmaps')!;
  const conversion = upperCaseConversion();
  const store = new GenericStore(info, inner, {}, new AdmissionChain([]), undefined, conversion);
  await store.start();
  const created = await store.create(ctx, 'ns', configMap(undefined, { a: 'Mixed' }));
  assert.equal(dataOf(created).a, 'Mixed', 'a create answers the object as written');
  const stored = JSON.parse((await inner.get('/registry/configmaps/ns/c'))!.value);
  assert.equal(stored.data.a, 'mixed');
  assert.equal(dataOf(store.get('ns', 'c')).a, 'mixed', 'the cache holds the stored object');

  const read = await store.read('ns', 'c');
  assert.equal(dataOf(read).a, 'MIXED');
  assert.equal(read.metadata.resourceVersion, created.metadata.resourceVersion);
  // The label exists only on the converted object: selectors see what the client sees.
  const selected = await store.list('ns', { labelSelector: LabelSelector.parse('converted=yes'), fieldSelector: FieldSelector.parse('') });
  assert.deepEqual(selected.items.map(i => i.object.data), [{ a: 'MIXED' }]);

  // A merge computed on the live object sees it converted.
  const { object } = await store.patch(ctx, 'ns', 'c', live => ({ ...live!, data: { ...dataOf(live!), b: `${dataOf(live!).a}-2` } }));
  assert.deepEqual(object.data, { a: 'MIXED', b: 'MIXED-2' });
  assert.deepEqual(JSON.parse((await inner.get('/registry/configmaps/ns/c'))!.value).data, { a: 'mixed', b: 'MIXED-2' });

  // Conversion failing: reads, writes and deletes fail with its error; nothing stored changes.
  conversion.failing = true;
  const before = (await inner.get('/registry/configmaps/ns/c'))!;
  const failed = 'Internal error occurred: conversion webhook for /v1, Kind=ConfigMap failed: connection refused';
  await rejects(store.read('ns', 'c'), 500, failed);
  await rejects(store.update(ctx, 'ns', 'c', configMap(undefined, { a: 'x' })), 500, failed);
  await rejects(store.delete(ctx, 'ns', 'c'), 500, failed);
  assert.deepEqual(await inner.get('/registry/configmaps/ns/c'), before);

  conversion.failing = false;
  const deleted = await store.delete(ctx, 'ns', 'c');
  assert.equal(dataOf(deleted.object).a, 'MIXED', 'the deleted object is answered converted');
  store.cache.stop();
});
