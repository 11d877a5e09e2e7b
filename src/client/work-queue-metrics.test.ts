import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from '../metrics/registry.js';
import { parseExposition, series } from '../metrics/testing/prometheus-text.js';
import { WorkQueue } from './work-queue.js';
import { WorkQueueMetrics } from './work-queue-metrics.js';

test('a queue records client-go\'s workqueue series under its name', async () => {
  const registry = new Registry();
  const queue = new WorkQueue<string>({ metrics: new WorkQueueMetrics(registry).forQueue('deployment') });
  const value = async (name: string) => series(parseExposition(await registry.metrics()), name, { name: 'deployment' }).map(s => s.value);
  assert.deepEqual(await value('workqueue_adds_total'), [0], 'series exist before the first add');

  queue.add('a');
  queue.add('a'); // already queued: not another add
  queue.add('b');
  assert.deepEqual(await value('workqueue_adds_total'), [2]);
  assert.deepEqual(await value('workqueue_depth'), [2]);

  const key = await queue.get();
  assert.deepEqual(await value('workqueue_depth'), [1]);
  queue.add(key!); // re-added while processing: counted and deep, processed again after done
  assert.deepEqual(await value('workqueue_depth'), [2]);
  await sleep(30);
  const [unfinished] = await value('workqueue_unfinished_work_seconds');
  assert.ok(unfinished! >= 0.02, `unfinished work ${unfinished}`);
  assert.ok((await value('workqueue_longest_running_processor_seconds'))[0]! >= 0.02);
  queue.done(key!);
  assert.deepEqual(await value('workqueue_work_duration_seconds_count'), [1]);
  assert.deepEqual(await value('workqueue_longest_running_processor_seconds'), [0]);

  queue.addRateLimited('c');
  assert.deepEqual(await value('workqueue_retries_total'), [1]);
  await sleep(20); // the backoff timer does not hold the process open
  const rest = [await queue.get(), await queue.get(), await queue.get()];
  assert.deepEqual(rest, ['b', 'a', 'c'], 'c arrives after its backoff');
  assert.deepEqual(await value('workqueue_depth'), [0]);
  assert.deepEqual(await value('workqueue_queue_duration_seconds_count'), [4]);
  assert.deepEqual(await value('workqueue_adds_total'), [3 + 1]);
  queue.shutdown();
});
