// A `kubectl get --watch-only` started in the background prints only what changes after its first
// list, and kubectl gets to that list when it has started: seconds on a loaded machine. A test that
// waits a fixed time and then makes the change it expects to see can make it before the list, and
// the watch never prints it. Instead the test changes an object of its own until the watch shows
// one of those changes: from then on the watch is live and sees whatever the test does next.
import { eventually } from '../harness.js';

/** Calls `touch(1)`, `touch(2)`, … until `shown()` says the watch printed one of the touches. */
export async function untilWatchIsLive(touch: (n: number) => Promise<unknown>, shown: () => boolean, what = 'the watch to be live'): Promise<void> {
  let n = 0;
  await eventually(async () => shown() || (await touch(++n), shown()), 60_000, what);
}
