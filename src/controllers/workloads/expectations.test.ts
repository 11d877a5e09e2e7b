import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import type { Informer, InformerHandlers } from '../../client/informer.js';
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
