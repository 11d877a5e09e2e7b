import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from '../contract.js';
import { CompactedError, prefixEnd, type StoreEvent } from '../types.js';
import * as grpc from '@grpc/grpc-js';
import { EtcdClient, EtcdError } from './client.js';
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

/**
 * Stops a process and waits until every thread of it is stopped. kill() only queues SIGSTOP: the
 * group stop begins when one of the process's threads next runs, and on a loaded machine another
 * thread woken by network input can answer a request first.
 */
async function stopProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  const stopped = () => readdirSync(`/proc/${pid}/task`).every(tid => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T';
  });
  for (const deadline = Date.now() + 5_000; !stopped(); await new Promise(r => setTimeout(r, 5))) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within 5 s of SIGSTOP`);
  }
}

const clientOf = (m: EtcdMember) => new EtcdClient({ endpoints: m.options.clientUrls });

/** etcd's own answer, bypassing the store. */
async function rawRange(m: EtcdMember, key: string, end?: string) {
  const client = clientOf(m);
  try {
    return await client.range({ key: Buffer.from(key), rangeEnd: end === undefined ? undefined : Buffer.from(end) });
  } finally {
    client.close();
  }
}

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
    const raw = await rawRange(m, '/v/', '/v0');
    assert.deepEqual(raw.kvs.map(kv => kv.value), [Buffer.from(binary, 'latin1'), Buffer.from('{"é":"ü"}', 'utf8')]);
    assert.equal((await s.get('/v/enc'))?.value, binary);
  } finally {
    await s.close();
  }
});

test('etcd: keys under an expiring prefix get a lease: etcd deletes them after the TTL (a DELETE event)', async () => {
  const m = await freshMember();
  // Long against three writes and a read on a loaded machine: the first key must still be there to read.
  const s = await EtcdStore.open(clientOf(m), { expiring: { prefixes: ['/ev/'], ttlSeconds: 5 } });
  try {
    const events: StoreEvent[] = [];
    s.watch('/', { afterRevision: s.revision, onEvents: evs => events.push(...evs) });
    await s.create('/ev/a', 'a');
    await s.create('/ev/b', 'b');
    await s.create('/kept/c', 'c');
    assert.ok((await rawRange(m, '/ev/a')).kvs[0].lease > 0, 'written with a lease');
    assert.equal((await rawRange(m, '/kept/c')).kvs[0].lease, 0);
    const deadline = Date.now() + 30_000;
    while (events.filter(e => e.type === 'DELETE').length < 2 && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
    assert.deepEqual(events.filter(e => e.type === 'DELETE').map(e => `${e.kv.key}=${e.prevKv?.value}`).sort(), ['/ev/a=a', '/ev/b=b']);
    assert.equal(await s.get('/ev/a'), undefined);
    assert.equal((await s.get('/kept/c'))?.value, 'c');
  } finally {
    await s.close();
  }
});

test('etcd: the store follows its etcd through a restart; watchers miss nothing', async () => {
  const m = await freshMember();
  const s = await EtcdStore.open(clientOf(m));
  try {
    const seen: string[] = [];
    s.watch('/r/', { afterRevision: s.revision, onEvents: evs => seen.push(...evs.map(e => `${e.type} ${e.kv.key}@${e.kv.modRevision}`)) });
    const r1 = await s.create('/r/a', '1');
    await m.stop();
    // Another client writes while the store's watch is broken: the store must still see it.
    running = await EtcdMember.start(m.options);
    const other = await EtcdStore.open(clientOf(running));
    const r2 = await other.create('/r/b', '2');
    await other.close();
    let r3 = 0;
    const deadline = Date.now() + 20_000;
    while (!r3) {
      try {
        r3 = await s.update('/r/a', '3', r1);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise(r => setTimeout(r, 200));
      }
    }
    assert.deepEqual(seen, [`PUT /r/a@${r1}`, `PUT /r/b@${r2}`, `PUT /r/a@${r3}`]);
  } finally {
    await s.close();
  }
});

test('etcd: a three-member cluster; the store moves to another member when its own stops', async () => {
  await running?.stop();
  running = undefined;
  const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const names = ['x0', 'x1', 'x2'];
  const peer = (i: number) => `http://127.0.0.1:${ports[3 + i]}`;
  const initialCluster = names.map((name, i) => `${name}=${peer(i)}`).join(',');
  const members = await Promise.all(names.map((name, i) => EtcdMember.start({
    name, dataDir: join(dir, `${name}-${n++}`), logFile: join(dir, `${name}.log`),
    clientUrls: [`http://127.0.0.1:${ports[i]}`], peerUrls: [peer(i)], initialCluster,
  })));
  const s = await EtcdStore.open(new EtcdClient({ endpoints: members.map(m => m.options.clientUrls[0]) }));
  try {
    const seen: string[] = [];
    s.watch('/f/', { afterRevision: s.revision, onEvents: evs => seen.push(...evs.map(e => e.kv.key)) });
    const written: string[] = [];
    for (let i = 0; i < 5; i++) {
      await s.create(`/f/${i}`, 'v');
      written.push(`/f/${i}`);
    }
    // The store talks to the first endpoint: that member goes away.
    await members[0].stop();
    for (let i = 5; i < 10; i++) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          await s.create(`/f/${i}`, 'v');
          break;
        } catch (err) {
          // A write that failed on the stopped member is not retried by the client; the caller does.
          if (Date.now() > deadline) throw err;
          if ((await s.get(`/f/${i}`)) !== undefined) break;
          await new Promise(r => setTimeout(r, 200));
        }
      }
      written.push(`/f/${i}`);
    }
    assert.deepEqual(seen, written, 'every write seen once, in order');
    assert.equal((await s.range('/f/', prefixEnd('/f/'), { countOnly: true })).count, 10);
  } finally {
    await s.close();
    await Promise.all(members.map(m => m.stop()));
  }
});

test('etcd client: a call etcd does not answer within the request timeout fails with DEADLINE_EXCEEDED', async () => {
  const m = await freshMember();
  const client = new EtcdClient({ endpoints: m.options.clientUrls, requestTimeoutMs: 400 });
  try {
    await client.put({ key: Buffer.from('/t/a'), value: Buffer.from('1') });
    // A member that hangs (stopped, its connection open): nothing answers, nothing fails.
    await stopProcess(m.pid);
    const started = Date.now();
    try {
      await assert.rejects(client.range({ key: Buffer.from('/t/a') }), (err: EtcdError) => err instanceof EtcdError && err.code === grpc.status.DEADLINE_EXCEEDED && err.method === 'Range');
      const took = Date.now() - started;
      assert.ok(took >= 400 && took < 2_000, `failed after ${took} ms`);
    } finally {
      process.kill(m.pid, 'SIGCONT');
    }
    // The call was cancelled, not the connection: the next one is answered.
    assert.equal((await client.range({ key: Buffer.from('/t/a') })).kvs[0].value.toString(), '1');
  } finally {
    client.close();
  }
});
