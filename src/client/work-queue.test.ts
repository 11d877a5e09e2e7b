import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './work-queue.js';

test('de-duplicates keys waiting in the queue', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('a');
  q.add('b');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
});

test('a key added while processing is processed again after done, never concurrently', async () => {
  const q = new WorkQueue();
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.length, 0, 'not queued while being processed');
  q.done(k!);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
});

test('get waits for an add and resolves undefined on shutdown', async () => {
  const q = new WorkQueue();
  const pending = q.get();
  q.add('x');
  assert.equal(await pending, 'x');
  const waiting = q.get();
  q.shutdown();
  assert.equal(await waiting, undefined);
});

test('rate-limited re-adds back off exponentially and forget resets', async () => {
  const q = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 1000 });
  q.addRateLimited('k');
  q.addRateLimited('k');
  assert.equal(q.retries('k'), 2);
  assert.equal(q.length, 0, 'delayed, not immediate');
  const start = Date.now();
  // The queue's timers are unref'd (they must not keep a process alive); this one keeps the test's.
  const keepAlive = setTimeout(() => undefined, 1000);
  assert.equal(await q.get(), 'k');
  clearTimeout(keepAlive);
  assert.ok(Date.now() - start >= 15, 'waited for the backoff');
  q.forget('k');
  assert.equal(q.retries('k'), 0);
  q.shutdown();
});

/** The next key, or a rejection naming `what` if none arrives within `ms` (the wait keeps the test alive). */
async function nextWithin<K>(q: WorkQueue<K>, ms: number, what: string): Promise<K | undefined> {
  let timer!: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(what)), ms); });
  try {
    return await Promise.race([q.get(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('addAfter keeps the earliest ready time: a later, shorter delay replaces a longer pending one', async () => {
  const q = new WorkQueue();
  q.addAfter('k', 600_000);
  q.addAfter('k', 10);
  assert.equal(await nextWithin(q, 5000, 'the shorter delay was lost behind the 10-minute one'), 'k');
  q.done('k');
  q.addAfter('k', 10);
  q.addAfter('k', 600_000);
  assert.equal(await nextWithin(q, 5000, 'a longer delay postponed the pending shorter one'), 'k');
  q.shutdown();
});
