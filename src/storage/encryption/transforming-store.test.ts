import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../memory.js';
import { CompareFailedError, prefixEnd, type StoreEvent } from '../types.js';
import { aesGcmTransformer } from './aes.js';
import { identityTransformer, PrefixTransformers } from './transformer.js';
import { TransformingStore } from './transforming-store.js';

const key1 = aesGcmTransformer(Buffer.alloc(32, 7));
const key2 = aesGcmTransformer(Buffer.alloc(32, 9));
const chain = (...keys: [string, typeof key1][]) => new PrefixTransformers(
  [{ prefix: 'k8s:enc:aesgcm:v1:', transformer: new PrefixTransformers(keys.map(([name, transformer]) => ({ prefix: `${name}:`, transformer })), 'no matching key was found for the provided AES transformer') },
    { prefix: '', transformer: identityTransformer }],
  'no matching prefix found');
const secretsOnly = (t: PrefixTransformers) => (key: string) => key.startsWith('/registry/secrets/') ? t : undefined;

test('values are encrypted in the inner store and plain through the wrapper; revisions unchanged', async () => {
  const inner = new MemoryStore();
  const store = new TransformingStore(inner, secretsOnly(chain(['k1', key1])));
  const rev = await store.create('/registry/secrets/ns/a', '{"data":{"pw":"aHVudGVyMg=="}}');
  await store.create('/registry/configmaps/ns/b', '{"data":{"x":"plain"}}');
  const raw = await inner.get('/registry/secrets/ns/a');
  assert.ok(raw!.value.startsWith('k8s:enc:aesgcm:v1:k1:'));
  assert.ok(!raw!.value.includes('aHVudGVyMg'));
  assert.equal((await inner.get('/registry/configmaps/ns/b'))!.value, '{"data":{"x":"plain"}}');
  const got = await store.get('/registry/secrets/ns/a');
  assert.deepEqual(got, { ...raw, value: '{"data":{"pw":"aHVudGVyMg=="}}' });
  assert.equal(got!.modRevision, rev);
  const listed = await store.range('/registry/', prefixEnd('/registry/'));
  assert.deepEqual(listed.kvs.map(kv => kv.value), ['{"data":{"x":"plain"}}', '{"data":{"pw":"aHVudGVyMg=="}}']);
});

test('watch events, conflicts and deletes carry plaintext', async () => {
  const store = new TransformingStore(new MemoryStore(), secretsOnly(chain(['k1', key1])));
  const seen: StoreEvent[] = [];
  const w = store.watch('/registry/secrets/', { afterRevision: 0, onEvents: evs => seen.push(...evs) });
  const r1 = await store.create('/registry/secrets/ns/a', '{"v":1}');
  await store.update('/registry/secrets/ns/a', '{"v":2}', r1);
  await assert.rejects(store.update('/registry/secrets/ns/a', '{"v":3}', r1), (err: unknown) => err instanceof CompareFailedError && err.current.value === '{"v":2}');
  const { prevKv } = await store.delete('/registry/secrets/ns/a');
  assert.equal(prevKv.value, '{"v":2}');
  w.close();
  assert.deepEqual(seen.map(e => [e.type, e.kv.value, e.prevKv?.value]), [['PUT', '{"v":1}', undefined], ['PUT', '{"v":2}', '{"v":1}'], ['DELETE', '{"v":2}', '{"v":2}']]);
});

test('reads through an older key are stale; an unknown key is upstream\'s error naming the store key', async () => {
  const inner = new MemoryStore();
  await new TransformingStore(inner, secretsOnly(chain(['k1', key1]))).create('/registry/secrets/ns/a', '{"v":1}');
  await inner.create('/registry/secrets/ns/plain', '{"v":0}');
  const rotating = new TransformingStore(inner, secretsOnly(chain(['k2', key2], ['k1', key1])));
  assert.equal((await rotating.get('/registry/secrets/ns/a'))!.stale, true);
  assert.equal((await rotating.get('/registry/secrets/ns/plain'))!.stale, true);
  const kv = (await rotating.get('/registry/secrets/ns/a'))!;
  await rotating.update(kv.key, kv.value, kv.modRevision);
  const rewritten = (await rotating.get('/registry/secrets/ns/a'))!;
  assert.equal(rewritten.stale, undefined);
  assert.ok((await inner.get('/registry/secrets/ns/a'))!.value.startsWith('k8s:enc:aesgcm:v1:k2:'));

  const newOnly = new TransformingStore(inner, secretsOnly(chain(['k3', key2])));
  await assert.rejects(newOnly.get('/registry/secrets/ns/a'), { message: 'unable to transform key "/registry/secrets/ns/a": no matching key was found for the provided AES transformer' });
});
