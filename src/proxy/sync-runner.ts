// When the proxy syncs, as upstream's BoundedFrequencyRunner: syncs draw from a token bucket that
// holds `burstSyncs` and refills one per `minIntervalMs` (upstream's minSyncPeriod, burstSyncs 2).
// A change is applied at once while a token is left, otherwise when the next one arrives, so a storm
// of changes costs one sync per interval, while a quiet proxy answers two changes in a row at once —
// a Service created and, a few ms later, its first EndpointSlice. A full sync (every chain rewritten, the kernel's state read
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
  /** Syncs that may run back to back after a quiet period (1: at most one per minIntervalMs). */
  burstSyncs: number;
  fullSyncIntervalMs: number;
  /** After a failed sync, the next (full) one waits at least this long. */
  retryMs: number;
}

export type SyncFunction = (full: boolean) => Promise<void>;

export class SyncRunner {
  private lastFull = -Infinity;
  private tokens: number;
  private tokensAt: number;
  private timer?: unknown;
  private timerAt = Infinity;
  private running?: Promise<void>;
  private pending = false;
  private fullNeeded = true;
  private stopped = false;

  constructor(private readonly sync: SyncFunction, private readonly o: SyncRunnerOptions, private readonly clock: Clock = realClock) {
    this.tokens = o.burstSyncs;
    this.tokensAt = clock.now();
  }

  /** Something changed: sync soon (a full sync if one is due). */
  request(): void {
    if (this.stopped) return;
    this.pending = true;
    if (this.running) return;
    this.schedule(this.delayUntilAllowed());
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

  /** Milliseconds until a token is there (0: now). */
  private delayUntilAllowed(): number {
    this.refill(this.clock.now());
    return this.tokens >= 1 ? 0 : (1 - this.tokens) * this.o.minIntervalMs;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.o.burstSyncs, this.tokens + (now - this.tokensAt) / this.o.minIntervalMs);
    this.tokensAt = now;
  }

  private runNow(): void {
    if (this.stopped || this.running) return;
    const now = this.clock.now();
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1);
    const full = this.fullNeeded || now - this.lastFull >= this.o.fullSyncIntervalMs;
    this.pending = false;
    this.fullNeeded = false;
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
          this.schedule(Math.max(this.o.retryMs, this.delayUntilAllowed()));
        } else if (this.pending) {
          this.schedule(this.delayUntilAllowed());
        } else {
          // Nothing to do: wake up for the periodic full sync.
          this.pending = true;
          this.schedule(Math.max(0, this.lastFull + this.o.fullSyncIntervalMs - this.clock.now()));
        }
      });
  }
}
