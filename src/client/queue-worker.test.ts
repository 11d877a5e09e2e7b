import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '../api/errors.js';
import { runQueueWorker, type SyncResult } from './queue-worker.js';
import { WorkQueue } from './work-queue.js';

/** Resolves once `check` holds, polling the event loop (the worker runs on it). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise(r => setTimeout(r, 2));
  assert.ok(check(), 'condition never held');
}

test('a synced key is forgotten; requeue backs it off, keeping its failures', async () => {
  const q = new WorkQueue<string>({ baseDelayMs: 1, maxDelayMs: 5 });
  const results: (SyncResult | undefined)[] = [{ requeue: true }, { requeue: true }, undefined];
  const seen: number[] = [];
  const worker = runQueueWorker(q, async key => {
    seen.push(q.retries(key));
    return results.shift();
  }, () => assert.fail('no error'));
  q.add('a');
  await until(() => results.length === 0);
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(q.retries('a'), 0);
  q.shutdown();
  await worker;
});

test('requeueAfterMs forgets the failures and looks again after the delay', async () => {
  const q = new WorkQueue<string>({ baseDelayMs: 1, maxDelayMs: 5 });
  q.addRateLimited('a');
  const synced: number[] = [];
  const worker = runQueueWorker(q, async key => {
    synced.push(q.retries(key));
    return synced.length === 1 ? { requeueAfterMs: 30 } : undefined;
  }, () => assert.fail('no error'));
  await until(() => synced.length === 1);
  const first = Date.now();
  await until(() => synced.length === 2);
  assert.ok(Date.now() - first >= 25, 'looked at again only after the delay');
  assert.deepEqual(synced, [1, 0]);
  q.shutdown();
  await worker;
});

test('a thrown error is retried with backoff and reported, except a conflict', async () => {
  const q = new WorkQueue<string>({ baseDelayMs: 1, maxDelayMs: 5 });
  const thrown = [new Error('boom'), new ConflictError({ group: '', resource: 'things', name: 'a' }, 'changed')];
  const reported: unknown[] = [];
  let calls = 0;
  const worker = runQueueWorker(q, async () => {
    calls++;
    const err = thrown.shift();
    if (err) throw err;
    return undefined;
  }, (key, err) => reported.push([key, (err as Error).message]));
  q.add('a');
  await until(() => calls === 3);
  await until(() => q.retries('a') === 0);
  assert.deepEqual(reported, [['a', 'boom']]);
  q.shutdown();
  await worker;
});

test('ends on shutdown, leaving keys still queued unsynced', async () => {
  const q = new WorkQueue<string>();
  const synced: string[] = [];
  let release!: () => void;
  const worker = runQueueWorker(q, async key => {
    synced.push(key);
    if (key === 'a') await new Promise<void>(r => { release = r; });
    return undefined;
  }, () => assert.fail('no error'));
  q.add('a');
  await until(() => synced.length === 1);
  q.add('b');
  q.shutdown();
  release();
  await worker;
  assert.deepEqual(synced, ['a']);
});
