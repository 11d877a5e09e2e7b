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
