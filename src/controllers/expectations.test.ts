import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.js';
import type { Informer, InformerHandlers } from '../client/informer.js';
import { Expectations } from './expectations.js';

/** The slice of an Informer that Expectations uses: a cache and handlers. */
function fakeInformer() {
  const items = new Map<string, KubeObject>();
  const handlers: InformerHandlers<KubeObject>[] = [];
  const inf = {
    on(h: InformerHandlers<KubeObject>) { handlers.push(h); return inf; },
    get: (k: string) => items.get(k),
    add(o: KubeObject) { items.set(`${o.metadata.namespace}/${o.metadata.name}`, o); for (const h of handlers) h.add?.(o); },
    update(o: KubeObject) { const k = `${o.metadata.namespace}/${o.metadata.name}`; const old = items.get(k)!; items.set(k, o); for (const h of handlers) h.update?.(old, o); },
    remove(o: KubeObject) { items.delete(`${o.metadata.namespace}/${o.metadata.name}`); for (const h of handlers) h.delete?.(o); },
  };
  return inf;
}
const pod = (name: string, deleting = false): KubeObject => ({ metadata: { name, namespace: 'ns', ...(deleting ? { deletionTimestamp: 'x' } : {}) } });

test('creations are satisfied when the informer shows the pods', () => {
  const inf = fakeInformer();
  const e = new Expectations(inf as unknown as Informer);
  e.expectCreations('ns/rs', ['ns/a', 'ns/b']);
  assert.equal(e.satisfied('ns/rs'), false);
  inf.add(pod('a'));
  assert.equal(e.satisfied('ns/rs'), false);
  inf.add(pod('b'));
  assert.equal(e.satisfied('ns/rs'), true);
});

test('a pod already cached when expected is not waited for', () => {
  const inf = fakeInformer();
  const e = new Expectations(inf as unknown as Informer);
  inf.add(pod('a'));
  e.expectCreations('ns/rs', ['ns/a']);
  assert.equal(e.satisfied('ns/rs'), true);
});

test('deletions are satisfied by a deletionTimestamp or removal, and expire', () => {
  const inf = fakeInformer();
  const e = new Expectations(inf as unknown as Informer);
  inf.add(pod('a'));
  inf.add(pod('b'));
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  inf.update(pod('a', true));
  assert.equal(e.satisfied('ns/rs'), false);
  inf.remove(pod('b'));
  assert.equal(e.satisfied('ns/rs'), true);
  inf.add(pod('c'));
  e.expectDeletions('ns/rs', ['ns/c']);
  assert.equal(e.satisfied('ns/rs', Date.now() + 6 * 60_000), true);
});

test('pending creations keep their values until seen; pending deletions until gone', () => {
  const inf = fakeInformer();
  const e = new Expectations<number>(inf as unknown as Informer);
  inf.add(pod('old'));
  e.expectCreation('ns/job', 'ns/a', 0);
  e.expectCreation('ns/job', 'ns/b', 1);
  e.expectDeletions('ns/job', ['ns/old']);
  assert.deepEqual([...e.pendingCreations('ns/job')], [['ns/a', 0], ['ns/b', 1]]);
  assert.deepEqual([...e.pendingDeletions('ns/job')], ['ns/old']);
  inf.add(pod('a'));
  inf.remove(pod('old'));
  assert.deepEqual([...e.pendingCreations('ns/job')], [['ns/b', 1]]);
  assert.equal(e.pendingDeletions('ns/job').size, 0);
  assert.equal(e.pendingCreations('ns/job', Date.now() + 6 * 60_000).size, 0);
  assert.equal(e.satisfied('ns/job'), true);
});

test('a new expectation restarts the five minutes', () => {
  const inf = fakeInformer();
  const e = new Expectations(inf as unknown as Informer);
  const t0 = Date.now();
  e.expectCreations('ns/rs', ['ns/a'], t0);
  e.expectCreations('ns/rs', ['ns/b'], t0 + 4 * 60_000);
  assert.equal(e.satisfied('ns/rs', t0 + 6 * 60_000), false);
  assert.equal(e.satisfied('ns/rs', t0 + 10 * 60_000), true);
});
