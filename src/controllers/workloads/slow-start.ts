// Upstream's slowStartBatch: run `count` calls in batches of 1, 2, 4, ... and stop after the first
// batch with a failure, so a create that will fail (quota, admission) fails once, not 500 times.

export interface BatchResult { successes: number; error?: unknown }

export async function slowStartBatch(count: number, initialBatch: number, fn: () => Promise<void>): Promise<BatchResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter(r => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}
