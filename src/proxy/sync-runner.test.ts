import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncRunner, type Clock } from './sync-runner.js';

/** A clock whose time moves only when the test says so. */
class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  now() { return this.t; }
  setTimeout(fn: () => void, ms: number) { const id = this.next++; this.timers.push({ at: this.t + ms, fn, id }); return id; }
  clearTimeout(id: unknown) { this.timers = this.timers.filter(t => t.id !== id); }
  /** Moves time forward, firing due timers in order and letting syncs settle after each. */
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter(t => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter(t => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
    await settle();
  }
}
const settle = () => new Promise(r => setImmediate(r));

function setup(opts = { minIntervalMs: 1000, burstSyncs: 1, fullSyncIntervalMs: 60_000, retryMs: 2000 }) {
  const clock = new FakeClock();
  const syncs: { at: number; full: boolean }[] = [];
  let fail = false;
  const runner = new SyncRunner(async full => {
    syncs.push({ at: clock.now(), full });
    if (fail) throw new Error('iptables-restore failed');
  }, opts, clock);
  return { clock, syncs, runner, failNext: (f: boolean) => (fail = f) };
}

test('the first sync is full and immediate; a change after a quiet interval syncs at once, partially', async () => {
  const { clock, syncs, runner } = setup();
  runner.request();
  await clock.advance(0);
  assert.deepEqual(syncs, [{ at: 0, full: true }]);
  await clock.advance(5000);
  runner.request();
  await clock.advance(0);
  assert.deepEqual(syncs.at(-1), { at: 5000, full: false });
  runner.stop();
});

test('a burst of changes within the minimum interval costs one more sync, at the end of the interval', async () => {
  const { clock, syncs, runner } = setup();
  runner.request();
  await clock.advance(0);
  for (let i = 0; i < 10; i++) {
    runner.request();
    await clock.advance(50);
  }
  assert.equal(syncs.length, 1);
  await clock.advance(600);
  assert.deepEqual(syncs.map(s => s.at), [0, 1000]);
  runner.stop();
});

test('with burstSyncs 2, two changes after a quiet period sync at once; a storm then costs one sync per interval', async () => {
  const { clock, syncs, runner } = setup({ minIntervalMs: 1000, burstSyncs: 2, fullSyncIntervalMs: 60_000, retryMs: 2000 });
  runner.request();
  await clock.advance(5000);
  // A Service, then a few ms later its EndpointSlice: both applied at once.
  runner.request();
  await clock.advance(5);
  runner.request();
  await clock.advance(0);
  assert.deepEqual(syncs.map(s => s.at), [0, 5000, 5005]);
  // The bucket is empty: further changes wait for a token, one per interval.
  for (let i = 0; i < 30; i++) {
    runner.request();
    await clock.advance(100);
  }
  assert.deepEqual(syncs.map(s => s.at), [0, 5000, 5005, 6000, 7000, 8000]);
  runner.stop();
});

test('a failed sync is retried as a full sync after the retry delay', async () => {
  const { clock, syncs, runner, failNext } = setup();
  runner.request();
  await clock.advance(0);
  failNext(true);
  await clock.advance(3000);
  runner.request();
  await clock.advance(0);
  failNext(false);
  await clock.advance(1999);
  assert.equal(syncs.length, 2);
  await clock.advance(1);
  assert.deepEqual(syncs.slice(1), [{ at: 3000, full: false }, { at: 5000, full: true }]);
  runner.stop();
});

test('without changes, a full sync runs every full-sync interval; stop() ends it', async () => {
  const { clock, syncs, runner } = setup({ minIntervalMs: 1000, burstSyncs: 1, fullSyncIntervalMs: 10_000, retryMs: 2000 });
  runner.request();
  await clock.advance(25_000);
  assert.deepEqual(syncs, [{ at: 0, full: true }, { at: 10_000, full: true }, { at: 20_000, full: true }]);
  runner.stop();
  await clock.advance(30_000);
  assert.equal(syncs.length, 3);
});

test('requestFull makes the next sync full', async () => {
  const { clock, syncs, runner } = setup();
  runner.request();
  await clock.advance(2000);
  runner.requestFull();
  await clock.advance(0);
  assert.deepEqual(syncs.at(-1), { at: 2000, full: true });
  runner.stop();
});
