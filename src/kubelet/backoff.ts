// Per-key exponential backoff as upstream's flowcontrol.Backoff, used for container restarts
// (CrashLoopBackOff: 10 s doubling to 5 min) and image pulls (ImagePullBackOff). A key left alone
// for twice the cap starts over at the initial delay (10 minutes for restarts, as upstream).
import { goDurationString } from '../util/go-duration.js';

export class Backoff {
  private readonly entries = new Map<string, { delayMs: number; lastUpdate: number }>();

  constructor(private readonly initialMs = 10_000, private readonly maxMs = 300_000, private readonly now = () => Date.now()) {}

  /** Records a failure at `at` (ms): the first one starts at the initial delay, later ones double. */
  next(key: string, at: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e.lastUpdate)) this.entries.set(key, { delayMs: this.initialMs, lastUpdate: at });
    else this.entries.set(key, { delayMs: Math.min(e.delayMs * 2, this.maxMs), lastUpdate: at });
  }

  /** The current delay for the key (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** True while less than the current delay has passed since `since` (ms). */
  inBackoffSince(key: string, since: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e.lastUpdate)) return false;
    return this.now() - since < e.delayMs;
  }

  /** Milliseconds until the backoff that started at `since` ends. */
  remaining(key: string, since: number): number {
    return Math.max(0, since + this.get(key) - this.now());
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops keys not updated for twice the cap (they would start over anyway). */
  gc(): void {
    for (const [k, e] of this.entries) if (this.expired(e.lastUpdate)) this.entries.delete(k);
  }

  private expired(lastUpdate: number): boolean {
    return this.now() - lastUpdate > 2 * this.maxMs;
  }
}

/** Go's time.Duration text for whole seconds ("10s", "1m20s", "5m0s"), as upstream's messages print. */
export function goDuration(ms: number): string {
  return goDurationString(Math.round(ms / 1000) * 1000);
}
