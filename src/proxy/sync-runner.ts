// When the proxy syncs: a change is applied at once if the last sync started at least
// `minIntervalMs` ago, otherwise when that interval is up, so a burst of changes costs one sync per
// interval (upstream's minSyncPeriod). A full sync (every chain rewritten, the kernel's state read
// back) runs first, every `fullSyncIntervalMs`, and after any failed sync; everything between is a
// partial sync. One sync runs at a time; a change during a sync is picked up right after it.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: h => clearTimeout(h as NodeJS.Timeout),
};

export interface SyncRunnerOptions {
  minIntervalMs: number;
  fullSyncIntervalMs: number;
  /** After a failed sync, the next (full) one waits at least this long. */
  retryMs: number;
}

export type SyncFunction = (full: boolean) => Promise<void>;

export class SyncRunner {
  private lastStart = -Infinity;
  private lastFull = -Infinity;
  private timer?: unknown;
  private timerAt = Infinity;
  private running?: Promise<void>;
  private pending = false;
  private fullNeeded = true;
  private stopped = false;

  constructor(private readonly sync: SyncFunction, private readonly o: SyncRunnerOptions, private readonly clock: Clock = realClock) {}

  /** Something changed: sync soon (a full sync if one is due). */
  request(): void {
    if (this.stopped) return;
    this.pending = true;
    if (this.running) return;
    this.schedule(Math.max(0, this.lastStart + this.o.minIntervalMs - this.clock.now()));
  }

  /** The next sync must rewrite everything. */
  requestFull(): void {
    this.fullNeeded = true;
    this.request();
  }

  /** Resolves when no sync is running (one that is due may start later). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    const at = this.clock.now() + delayMs;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.runNow();
    }, delayMs);
  }

  private runNow(): void {
    if (this.stopped || this.running) return;
    const now = this.clock.now();
    const full = this.fullNeeded || now - this.lastFull >= this.o.fullSyncIntervalMs;
    this.pending = false;
    this.fullNeeded = false;
    this.lastStart = now;
    if (full) this.lastFull = now;
    let failed = false;
    this.running = this.sync(full)
      .catch(() => {
        failed = true;
        this.fullNeeded = true;
      })
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (failed) {
          this.pending = true;
          this.schedule(Math.max(this.o.retryMs, this.lastStart + this.o.minIntervalMs - this.clock.now()));
        } else if (this.pending) {
          this.schedule(Math.max(0, this.lastStart + this.o.minIntervalMs - this.clock.now()));
        } else {
          // Nothing to do: wake up for the periodic full sync.
          this.pending = true;
          this.schedule(Math.max(0, this.lastFull + this.o.fullSyncIntervalMs - this.clock.now()));
        }
      });
  }
}
