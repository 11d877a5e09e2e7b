// The storage contract as a test suite: every backend runs the same checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError, prefixEnd, type Store, type StoreEvent } from './types.js';

export function runStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`storage contract: ${name}`, () => {
    const withStore = (fn: (s: Store) => Promise<void>) => async () => {
      const s = await open();
      try { await fn(s); } finally { await s.close(); }
    };

    test('create, get and exists error; revisions strictly increase', withStore(async s => {
      const r1 = await s.create('/a/1', 'one');
      const r2 = await s.create('/a/2', 'two');
      assert.ok(r2 > r1 && r1 > 0);
      assert.equal(s.revision, r2);
      const kv = await s.get('/a/1');
      assert.deepEqual(kv, { key: '/a/1', value: 'one', createRevision: r1, modRevision: r1 });
      await assert.rejects(s.create('/a/1', 'again'), KeyExistsError);
      assert.equal(await s.get('/missing'), undefined);
    }));

    test('update compares on modRevision', withStore(async s => {
      const r1 = await s.create('/k', 'v1');
      const r2 = await s.update('/k', 'v2', r1);
      assert.ok(r2 > r1);
      const kv = await s.get('/k');
      assert.equal(kv?.value, 'v2');
      assert.equal(kv?.createRevision, r1);
      await assert.rejects(s.update('/k', 'v3', r1), (e: unknown) => e instanceof CompareFailedError && e.current.modRevision === r2);
      await assert.rejects(s.update('/nope', 'x', 1), KeyNotFoundError);
    }));

    test('delete with and without expected revision; re-create gets a new createRevision', withStore(async s => {
      const r1 = await s.create('/d', 'x');
      await assert.rejects(s.delete('/d', r1 + 100), CompareFailedError);
      const { revision, prevKv } = await s.delete('/d', r1);
      assert.ok(revision > r1);
      assert.equal(prevKv.value, 'x');
      assert.equal(await s.get('/d'), undefined);
      await assert.rejects(s.delete('/d'), KeyNotFoundError);
      const r3 = await s.create('/d', 'y');
      assert.equal((await s.get('/d'))?.createRevision, r3);
    }));

    test('range: prefix, limit, more, count, at revision', withStore(async s => {
      const revs: number[] = [];
      for (const k of ['c', 'a', 'b', 'd']) revs.push(await s.create(`/p/${k}`, k));
      await s.create('/q/x', 'other');
      const all = await s.range('/p/', prefixEnd('/p/'));
      assert.deepEqual(all.kvs.map(k => k.value), ['a', 'b', 'c', 'd']);
      assert.equal(all.count, 4);
      assert.equal(all.more, false);
      const page = await s.range('/p/', prefixEnd('/p/'), { limit: 2 });
      assert.deepEqual(page.kvs.map(k => k.value), ['a', 'b']);
      assert.equal(page.more, true);
      assert.equal(page.count, 4);
      const counted = await s.range('/p/', prefixEnd('/p/'), { countOnly: true });
      assert.equal(counted.count, 4);
      assert.equal(counted.kvs.length, 0);
      const before = revs[1];
      await s.update('/p/c', 'c2', revs[0]);
      await s.delete('/p/a');
      const old = await s.range('/p/', prefixEnd('/p/'), { revision: before });
      assert.deepEqual(old.kvs.map(k => k.value), ['a', 'c']);
      assert.equal(old.revision, before);
      const now = await s.range('/p/', prefixEnd('/p/'));
      assert.deepEqual(now.kvs.map(k => k.value), ['b', 'c2', 'd']);
      assert.equal((await s.get('/p/c', before))?.value, 'c');
    }));

    test('watch replays history after a revision, then streams live events in order', withStore(async s => {
      const r0 = await s.create('/w/a', '1');
      const r1 = await s.update('/w/a', '2', r0);
      await s.create('/other/z', 'z');
      const events: StoreEvent[] = [];
      const w = s.watch('/w/', { afterRevision: r0, onEvents: evs => events.push(...evs) });
      await s.create('/w/b', 'b');
      await s.delete('/w/a');
      w.close();
      await s.create('/w/c', 'late');
      assert.deepEqual(events.map(e => `${e.type} ${e.kv.key} ${e.created}`), ['PUT /w/a false', 'PUT /w/b true', 'DELETE /w/a false']);
      assert.equal(events[0].kv.modRevision, r1);
      assert.equal(events[0].prevKv?.value, '1');
      assert.equal(events[2].prevKv?.value, '2');
      for (let i = 1; i < events.length; i++) assert.ok(events[i].kv.modRevision > events[i - 1].kv.modRevision);
    }));

    test('concurrent writes each get their own revision and compare independently', withStore(async s => {
      const results = await Promise.allSettled([
        s.create('/c/x', '1'), s.create('/c/x', '2'), s.create('/c/y', '3'), s.create('/c/z', '4'),
      ]);
      assert.equal(results.filter(r => r.status === 'fulfilled').length, 3);
      assert.ok(results[1].status === 'rejected' && results[1].reason instanceof KeyExistsError);
      const revs = results.filter(r => r.status === 'fulfilled').map(r => (r as PromiseFulfilledResult<number>).value);
      assert.equal(new Set(revs).size, 3);
    }));

    test('compaction: old revisions are gone (CompactedError), current values stay', withStore(async s => {
      const r1 = await s.create('/m/a', '1');
      const r2 = await s.update('/m/a', '2', r1);
      await s.create('/m/b', 'b');
      const r4 = (await s.delete('/m/b')).revision;
      await s.compact(r4);
      assert.equal(s.compactRevision, r4);
      await assert.rejects(s.range('/m/', prefixEnd('/m/'), { revision: r2 }), CompactedError);
      assert.throws(() => s.watch('/m/', { afterRevision: r1, onEvents: () => undefined }), CompactedError);
      const cur = await s.range('/m/', prefixEnd('/m/'));
      assert.deepEqual(cur.kvs.map(k => `${k.key}=${k.value}@${k.modRevision}`), [`/m/a=2@${r2}`]);
      const r5 = await s.create('/m/c', 'c');
      assert.ok(r5 > r4);
    }));
  });
}
