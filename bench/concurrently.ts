// The benchmarks' load shape: `concurrency` clients in closed loops, each taking the next index
// until `count` are done.

/** Runs `fn(i)` for every i in [0, count), at most `concurrency` at a time. */
export async function concurrently(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) await fn(i);
  }));
}
