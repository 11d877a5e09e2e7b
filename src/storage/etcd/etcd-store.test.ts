import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from '../contract.js';
import { CompactedError, prefixEnd, type StoreEvent } from '../types.js';
import { EtcdClient } from './client.js';
import { EtcdStore } from './etcd-store.js';
import { EtcdMember, freePort } from './member.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-'));
let n = 0;
let running: EtcdMember | undefined;

/** A fresh etcd (its own data dir and ports on loopback); the previous one is stopped first. */
async function freshMember(): Promise<EtcdMember> {
  await running?.stop();
  const [client, peer] = [await freePort(), await freePort()];
  const name = `m${n++}`;
  running = await EtcdMember.start({
    name, dataDir: join(dir, name), logFile: join(dir, `${name}.log`),
    clientUrls: [`http://127.0.0.1:${client}`], peerUrls: [`http://127.0.0.1:${peer}`],
  });
  return running;
}

const clientOf = (m: EtcdMember) => new EtcdClient({ endpoints: m.options.clientUrls });

after(async () => {
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

runStoreContract('etcd', async () => EtcdStore.open(clientOf(await freshMember())), { initialRevision: 1, orderedAcrossKeys: false });

test('etcd: two stores on one etcd see each other\'s writes, in one revision order', async () => {
  const m = await freshMember();
  const [a, b] = [await EtcdStore.open(clientOf(m)), await EtcdStore.open(clientOf(m))];
  try {
    const seenByA: StoreEvent[] = [];
    a.watch('/s/', { afterRevision: a.revision, onEvents: evs => seenByA.push(...evs) });
    const r1 = await a.create('/s/x', 'from a');
    const r2 = await b.update('/s/x', 'from b', r1);
    // A read at the latest revision through `a` waits until a's history has b's write.
    assert.equal((await a.get('/s/x'))?.value, 'from b');
    assert.ok(a.revision >= r2);
    assert.deepEqual(seenByA.map(e => `${e.type} ${e.kv.value}@${e.kv.modRevision}`), [`PUT from a@${r1}`, `PUT from b@${r2}`]);
    await assert.rejects(a.create('/s/x', 'again'), /key exists/);
  } finally {
    await a.close();
    await b.close();
  }
});

test('etcd: a store opened after a compaction starts its history there; etcd refuses older reads', async () => {
  const m = await freshMember();
  const first = await EtcdStore.open(clientOf(m));
  const r1 = await first.create('/c/a', '1');
  const r2 = await first.update('/c/a', '2', r1);
  await first.compact(r2);
  await first.close();
  const s = await EtcdStore.open(clientOf(m));
  try {
    assert.equal(s.compactRevision, r2);
    assert.equal(s.revision, r2);
    assert.throws(() => s.watch('/c/', { afterRevision: r1, onEvents: () => undefined }), CompactedError);
    await assert.rejects(s.get('/c/a', r1), CompactedError);
    assert.equal((await s.range('/c/', prefixEnd('/c/'))).kvs[0].value, '2');
  } finally {
    await s.close();
  }
});

test('etcd: values are stored as upstream\'s bytes (UTF-8 JSON; encrypted values byte for byte)', async () => {
  const m = await freshMember();
  const s = await EtcdStore.open(clientOf(m));
  let binary = 'k8s:enc:aescbc:v1:key1:';
  for (let i = 0; i < 256; i++) binary += String.fromCharCode(i);
  try {
    await s.create('/v/json', '{"é":"ü"}');
    await s.create('/v/enc', binary);
    const raw = await clientOf(m).range({ key: Buffer.from('/v/'), rangeEnd: Buffer.from('/v0') });
    assert.deepEqual(raw.kvs.map(kv => kv.value), [Buffer.from(binary, 'latin1'), Buffer.from('{"é":"ü"}', 'utf8')]);
    assert.equal((await s.get('/v/enc'))?.value, binary);
  } finally {
    await s.close();
  }
});
