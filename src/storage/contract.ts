// The storage contract as a test suite: every backend runs the same checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError, StoreClosedError, prefixEnd,
  type Store, type StoreEvent,
} from './types.js';

/** What a backend may do differently and still keep the contract. */
export interface ContractOptions {
  /** Revision of a new, empty store (etcd starts at 1). */
  initialRevision?: number;
  /**
   * Writes to different keys issued together get revisions in call order (local stores commit in
   * order; etcd orders concurrent requests itself, so only writes to one key keep call order).
   */
  orderedAcrossKeys?: boolean;
}

export function runStoreContract(name: string, open: () => Promise<Store>, o: ContractOptions = {}): void {
  const initialRevision = o.initialRevision ?? 0;
  const orderedAcrossKeys = o.orderedAcrossKeys ?? true;
  describe(`storage contract: ${name}`, () => {
    const withStore = (fn: (s: Store) => Promise<void>) => async () => {
      const s = await open();
      try { await fn(s); } finally { await s.close(); }
    };
    const values = (kvs: { value: string }[]) => kvs.map(kv => kv.value);
    const describeEvents = (evs: StoreEvent[]) => evs.map(e => `${e.type} ${e.kv.key}=${e.kv.value}@${e.kv.modRevision}${e.created ? ' created' : ''}`);

    test('create then get; creating an existing key fails with KeyExistsError', withStore(async s => {
      assert.equal(s.revision, initialRevision);
      const r1 = await s.create('/a/1', 'one');
      assert.equal(r1, initialRevision + 1);
      assert.equal(s.revision, r1);
      assert.deepEqual(await s.get('/a/1'), { key: '/a/1', value: 'one', createRevision: r1, modRevision: r1 });
      await assert.rejects(s.create('/a/1', 'again'), (e: unknown) => e instanceof KeyExistsError && e.key === '/a/1');
      assert.equal(s.revision, r1, 'a failed write does not use a revision');
      assert.equal((await s.get('/a/1'))?.value, 'one');
      assert.equal(await s.get('/missing'), undefined);
    }));

    test('one global revision, strictly increasing across keys and kinds of write', withStore(async s => {
      const revs = [await s.create('/x', '1'), await s.create('/y', '1')];
      revs.push(await s.update('/x', '2', revs[0]));
      revs.push((await s.delete('/y')).revision);
      revs.push(await s.create('/z', '1'));
      for (let i = 1; i < revs.length; i++) assert.equal(revs[i], revs[i - 1] + 1);
      assert.equal(s.revision, revs[revs.length - 1]);
    }));

    test('update compares on modRevision and keeps createRevision', withStore(async s => {
      const r1 = await s.create('/k', 'v1');
      const r2 = await s.update('/k', 'v2', r1);
      assert.ok(r2 > r1);
      assert.deepEqual(await s.get('/k'), { key: '/k', value: 'v2', createRevision: r1, modRevision: r2 });
      await assert.rejects(s.update('/k', 'v3', r1), (e: unknown) =>
        e instanceof CompareFailedError && e.key === '/k' &&
        e.current.value === 'v2' && e.current.modRevision === r2 && e.current.createRevision === r1);
      assert.equal((await s.get('/k'))?.value, 'v2');
      await assert.rejects(s.update('/nope', 'x', 1), (e: unknown) => e instanceof KeyNotFoundError && e.key === '/nope');
    }));

    test('delete with and without an expected revision', withStore(async s => {
      const r1 = await s.create('/d', 'x');
      await assert.rejects(s.delete('/d', r1 + 100), (e: unknown) => e instanceof CompareFailedError && e.current.value === 'x');
      const { revision, prevKv } = await s.delete('/d', r1);
      assert.ok(revision > r1);
      assert.deepEqual(prevKv, { key: '/d', value: 'x', createRevision: r1, modRevision: r1 });
      assert.equal(await s.get('/d'), undefined);
      await assert.rejects(s.delete('/d'), KeyNotFoundError);
      await assert.rejects(s.update('/d', 'y', r1), KeyNotFoundError);
      await s.create('/e', 'e');
      assert.equal((await s.delete('/e')).prevKv.value, 'e');
    }));

    test('re-creating a deleted key starts a new createRevision', withStore(async s => {
      const r1 = await s.create('/d', 'x');
      const rDel = (await s.delete('/d')).revision;
      const r3 = await s.create('/d', 'y');
      assert.ok(r3 > rDel);
      assert.deepEqual(await s.get('/d'), { key: '/d', value: 'y', createRevision: r3, modRevision: r3 });
      assert.deepEqual(await s.get('/d', r1), { key: '/d', value: 'x', createRevision: r1, modRevision: r1 });
      assert.equal(await s.get('/d', rDel), undefined);
    }));

    test('range: prefix, key order, limit, more, count, countOnly', withStore(async s => {
      for (const k of ['c', 'a', 'b', 'd']) await s.create(`/p/${k}`, k);
      await s.create('/pp', 'sibling');
      await s.create('/q/x', 'other');
      const all = await s.range('/p/', prefixEnd('/p/'));
      assert.deepEqual(values(all.kvs), ['a', 'b', 'c', 'd']);
      assert.deepEqual({ count: all.count, more: all.more, revision: all.revision }, { count: 4, more: false, revision: s.revision });
      const page = await s.range('/p/', prefixEnd('/p/'), { limit: 2 });
      assert.deepEqual(values(page.kvs), ['a', 'b']);
      assert.deepEqual({ count: page.count, more: page.more }, { count: 4, more: true });
      const exact = await s.range('/p/', prefixEnd('/p/'), { limit: 4 });
      assert.deepEqual({ n: exact.kvs.length, more: exact.more }, { n: 4, more: false });
      const next = await s.range('/p/b\0', prefixEnd('/p/'), { limit: 2 });
      assert.deepEqual(values(next.kvs), ['c', 'd']);
      const counted = await s.range('/p/', prefixEnd('/p/'), { countOnly: true });
      assert.deepEqual({ n: counted.kvs.length, count: counted.count, more: counted.more }, { n: 0, count: 4, more: false });
      assert.deepEqual(values((await s.range('/p/b', '/p/d')).kvs), ['b', 'c']);
      assert.equal((await s.range('/none/', prefixEnd('/none/'))).count, 0);
    }));

    test('range and get at a past revision see the state as it was', withStore(async s => {
      const ra = await s.create('/p/a', 'a');
      await s.create('/p/b', 'b');
      const rc = await s.create('/p/c', 'c');
      const before = s.revision;
      await s.update('/p/c', 'c2', rc);
      await s.delete('/p/a');
      await s.create('/p/e', 'e');
      const old = await s.range('/p/', prefixEnd('/p/'), { revision: before });
      assert.deepEqual(values(old.kvs), ['a', 'b', 'c']);
      assert.equal(old.revision, before);
      const oldPage = await s.range('/p/', prefixEnd('/p/'), { revision: before, limit: 1 });
      assert.deepEqual({ v: values(oldPage.kvs), more: oldPage.more, count: oldPage.count }, { v: ['a'], more: true, count: 3 });
      assert.equal((await s.range('/p/', prefixEnd('/p/'), { revision: ra, countOnly: true })).count, 1);
      assert.deepEqual(values((await s.range('/p/', prefixEnd('/p/'))).kvs), ['b', 'c2', 'e']);
      assert.deepEqual(await s.get('/p/c', before), { key: '/p/c', value: 'c', createRevision: rc, modRevision: rc });
      const future = await s.range('/p/', prefixEnd('/p/'), { revision: s.revision + 10 });
      assert.equal(future.revision, s.revision, 'a revision above the current one reads the current state');
    }));

    test('writes issued together each get a revision and their own compare', withStore(async s => {
      const base = await s.create('/c/u', '0');
      const results = await Promise.allSettled([
        s.create('/c/x', '1'), s.create('/c/x', '2'), s.create('/c/y', '3'),
        s.update('/c/u', 'first', base), s.update('/c/u', 'second', base), s.delete('/c/y'),
      ]);
      const status = results.map(r => (r.status === 'fulfilled' ? 'ok' : (r.reason as Error).constructor.name));
      assert.deepEqual(status, ['ok', 'KeyExistsError', 'ok', 'ok', 'CompareFailedError', 'ok']);
      const revs = results.flatMap(r => (r.status === 'fulfilled' ? [typeof r.value === 'number' ? r.value : r.value.revision] : []));
      if (orderedAcrossKeys) assert.deepEqual(revs, [base + 1, base + 2, base + 3, base + 4], 'in call order, none skipped');
      else assert.deepEqual([...revs].sort((a, b) => a - b), [base + 1, base + 2, base + 3, base + 4], 'none skipped');
      assert.ok(revs[1] < revs[3], 'writes to one key in call order: /c/y was created before its delete');
      const failed = results[4] as PromiseRejectedResult;
      assert.equal((failed.reason as CompareFailedError).current.value, 'first');
      assert.equal(await s.get('/c/y'), undefined);
      assert.equal((await s.get('/c/x'))?.value, '1');
    }));

    test('watch replays history after a revision, then streams live events in revision order', withStore(async s => {
      const r0 = await s.create('/w/a', '1');
      const r1 = await s.update('/w/a', '2', r0);
      await s.create('/other/z', 'z');
      await s.create('/wx', 'sibling prefix');
      const events: StoreEvent[] = [];
      const w = s.watch('/w/', { afterRevision: r0, onEvents: evs => events.push(...evs) });
      assert.deepEqual(describeEvents(events), [`PUT /w/a=2@${r1}`], 'history is replayed before watch returns');
      const rb = await s.create('/w/b', 'b');
      const rDel = (await s.delete('/w/a')).revision;
      await s.create('/other/y', 'y');
      const [rc, rd] = await Promise.all([s.create('/w/c', 'c'), s.create('/w/d', 'd')]);
      assert.deepEqual(orderedAcrossKeys ? [rc, rd] : [rc, rd].sort((a, b) => a - b), [rDel + 2, rDel + 3]);
      w.close();
      await s.create('/w/late', 'late');
      const together = [`PUT /w/c=c@${rc} created`, `PUT /w/d=d@${rd} created`];
      assert.deepEqual(describeEvents(events), [
        `PUT /w/a=2@${r1}`, `PUT /w/b=b@${rb} created`, `DELETE /w/a=2@${rDel}`, ...(rc < rd ? together : together.reverse()),
      ]);
      assert.deepEqual(events[0].prevKv, { key: '/w/a', value: '1', createRevision: r0, modRevision: r0 });
      assert.equal(events[1].prevKv, undefined);
      assert.deepEqual(events[2].prevKv, { key: '/w/a', value: '2', createRevision: r0, modRevision: r1 });
    }));

    test('watch replay carries the same events a live watch saw', withStore(async s => {
      const live: StoreEvent[] = [];
      const w = s.watch('/h/', { afterRevision: s.revision, onEvents: evs => live.push(...evs) });
      const r = await s.create('/h/a', '1');
      await s.update('/h/a', '2', r);
      await s.delete('/h/a');
      await s.create('/h/a', '3');
      w.close();
      const replayed: StoreEvent[] = [];
      s.watch('/h/', { afterRevision: 0, onEvents: evs => replayed.push(...evs) }).close();
      assert.deepEqual(replayed, live);
      assert.deepEqual(live.map(e => e.created), [true, false, false, true]);
    }));

    test('a watch from the current (or a future) revision only sees what comes after it', withStore(async s => {
      await s.create('/n/a', 'a');
      const events: StoreEvent[] = [];
      const w = s.watch('/n/', { afterRevision: s.revision, onEvents: evs => events.push(...evs) });
      assert.equal(events.length, 0);
      await s.create('/n/b', 'b');
      w.close();
      assert.deepEqual(events.map(e => e.kv.key), ['/n/b']);
      const ahead: StoreEvent[] = [];
      const w2 = s.watch('/n/', { afterRevision: s.revision + 1, onEvents: evs => ahead.push(...evs) });
      await s.create('/n/c', 'c');
      await s.create('/n/d', 'd');
      w2.close();
      assert.deepEqual(ahead.map(e => e.kv.key), ['/n/d'], 'a watch from a future revision starts there');
    }));

    test('compaction: reads and watches below it fail with CompactedError, current values stay', withStore(async s => {
      const r1 = await s.create('/m/a', '1');
      const r2 = await s.update('/m/a', '2', r1);
      await s.create('/m/b', 'b');
      const r4 = (await s.delete('/m/b')).revision;
      const r5 = await s.create('/m/c', 'c');
      const r6 = await s.update('/m/c', 'c2', r5);
      await s.compact(r4);
      assert.equal(s.compactRevision, r4);
      await assert.rejects(s.range('/m/', prefixEnd('/m/'), { revision: r2 }), (e: unknown) =>
        e instanceof CompactedError && e.requested === r2 && e.compactRevision === r4);
      await assert.rejects(s.get('/m/a', r1), CompactedError);
      assert.throws(() => s.watch('/m/', { afterRevision: r1, onEvents: () => undefined }), CompactedError);
      assert.deepEqual(values((await s.range('/m/', prefixEnd('/m/'), { revision: r4 })).kvs), ['2']);
      const cur = await s.range('/m/', prefixEnd('/m/'));
      assert.deepEqual(cur.kvs.map(k => `${k.key}=${k.value}@${k.createRevision}/${k.modRevision}`), [`/m/a=2@${r1}/${r2}`, `/m/c=c2@${r5}/${r6}`]);
      const events: StoreEvent[] = [];
      s.watch('/m/', { afterRevision: r4, onEvents: evs => events.push(...evs) }).close();
      assert.deepEqual(describeEvents(events), [`PUT /m/c=c@${r5} created`, `PUT /m/c=c2@${r6}`]);
      assert.equal(events[1].prevKv?.value, 'c');
      await s.compact(r1);
      assert.equal(s.compactRevision, r4, 'compacting to an older revision changes nothing');
      await s.compact(s.revision + 100);
      assert.equal(s.compactRevision, s.revision, 'compaction stops at the current revision');
      assert.equal((await s.get('/m/c'))?.value, 'c2');
      assert.ok((await s.create('/m/d', 'd')) > r6);
      await s.create('/m/b', 'again');
      assert.equal((await s.get('/m/b'))?.createRevision, s.revision);
    }));

    test('close: watches end with StoreClosedError, operations fail with it', withStore(async s => {
      await s.create('/z/a', 'a');
      const errors: Error[] = [];
      s.watch('/z/', { afterRevision: 0, onEvents: () => undefined, onError: e => errors.push(e) });
      const closedWatch = s.watch('/z/', { afterRevision: 0, onEvents: () => undefined, onError: e => errors.push(e) });
      closedWatch.close();
      const pending = s.create('/z/b', 'b');
      await s.close();
      assert.ok((await pending) > 0, 'a write issued before close is still committed');
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof StoreClosedError);
      await assert.rejects(s.get('/z/a'), StoreClosedError);
      await assert.rejects(s.range('/z/', prefixEnd('/z/')), StoreClosedError);
      await assert.rejects(s.create('/z/c', 'c'), StoreClosedError);
      assert.throws(() => s.watch('/z/', { afterRevision: 0, onEvents: () => undefined }), StoreClosedError);
      await s.close();
    }));
  });
}
