import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BookmarkSweep } from './watch-bookmarks.js';

const INTERVAL_MS = 30_000;
const SWEEP_MS = 5;

/** A sweep on its real timer (every 5 ms) whose clock the test moves. */
function sweepWithClock() {
  const clock = { t: 1_000_000 };
  const sweep = new BookmarkSweep({ intervalMs: INTERVAL_MS, sweepMs: SWEEP_MS, now: () => clock.t });
  return { clock, sweep };
}

/** Several sweeps' time. */
const sweeps = () => sleep(SWEEP_MS * 6);

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await sleep(SWEEP_MS);
  assert.ok(cond(), what);
}

test('an idle watch is bookmarked when its interval is up, not before, then again an interval later', async () => {
  const { clock, sweep } = sweepWithClock();
  const at: number[] = [];
  const stop = sweep.schedule(() => at.push(clock.t));
  clock.t += INTERVAL_MS - 1;
  await sweeps();
  assert.deepEqual(at, []);
  clock.t += 1;
  await until('first bookmark', () => at.length === 1);
  clock.t += INTERVAL_MS / 2;
  await sweeps();
  assert.equal(at.length, 1);
  clock.t += INTERVAL_MS / 2;
  await until('second bookmark', () => at.length === 2);
  assert.deepEqual(at, [1_000_000 + INTERVAL_MS, 1_000_000 + 2 * INTERVAL_MS]);
  stop();
});

test('each watch is due an interval after its own start', async () => {
  const { clock, sweep } = sweepWithClock();
  const got: string[] = [];
  const stopA = sweep.schedule(() => got.push('a'));
  clock.t += INTERVAL_MS / 2;
  const stopB = sweep.schedule(() => got.push('b'));
  clock.t += INTERVAL_MS / 2;
  await until('a bookmarked', () => got.length === 1);
  await sweeps();
  assert.deepEqual(got, ['a']);
  clock.t += INTERVAL_MS / 2;
  await until('b bookmarked', () => got.length === 2);
  assert.deepEqual(got, ['a', 'b']);
  stopA();
  stopB();
});

test('a stopped watch leaves the sweep: no bookmark after, while the others keep theirs', async () => {
  const { clock, sweep } = sweepWithClock();
  const got: string[] = [];
  const stopA = sweep.schedule(() => got.push('a'));
  const stopB = sweep.schedule(() => got.push('b'));
  stopA();
  clock.t += INTERVAL_MS;
  await until('b bookmarked', () => got.length === 1);
  await sweeps();
  assert.deepEqual(got, ['b']);
  stopB();
});

test('a watch that ends from its own bookmark (a client too slow) leaves the sweep; the others are still bookmarked', async () => {
  const { clock, sweep } = sweepWithClock();
  const got: string[] = [];
  const stopA: () => void = sweep.schedule(() => { got.push('a'); stopA(); });
  const stopB = sweep.schedule(() => got.push('b'));
  clock.t += INTERVAL_MS;
  await until('both bookmarked', () => got.length === 2);
  clock.t += INTERVAL_MS;
  await until('b again', () => got.length === 3);
  assert.deepEqual(got, ['a', 'b', 'b']);
  stopB();
  assert.equal(sweep.running, false);
});

test('the sweep timer runs only while some watch is scheduled, and starts again with the next one', async () => {
  const { clock, sweep } = sweepWithClock();
  assert.equal(sweep.running, false);
  const stopA = sweep.schedule(() => {});
  const stopB = sweep.schedule(() => {});
  assert.equal(sweep.running, true);
  stopA();
  assert.equal(sweep.running, true);
  stopB();
  assert.equal(sweep.running, false);
  stopB();
  assert.equal(sweep.running, false);
  let got = 0;
  const stopC = sweep.schedule(() => got++);
  assert.equal(sweep.running, true);
  clock.t += INTERVAL_MS;
  await until('c bookmarked', () => got === 1);
  stopC();
  assert.equal(sweep.running, false);
});
