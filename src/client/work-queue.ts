// A de-duplicating work queue with per-key exponential backoff, as client-go's rate-limited queue:
// a key is never processed by two workers at once, and a key added while it is being processed is
// processed again afterwards. With metrics it records client-go's workqueue_* series.

import type { QueueMetricsRecorder } from './work-queue-metrics.js';

export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  metrics?: QueueMetricsRecorder;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly timers = new Map<K, { timer: NodeJS.Timeout; readyAt: number }>();
  private readonly waiters: ((k: K | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly metrics?: QueueMetricsRecorder;
  /** When each queued key was added, and each processed key taken (ms), kept only with metrics. */
  private readonly addedAt = new Map<K, number>();
  private readonly startedAt = new Map<K, number>();

  constructor(opts: WorkQueueOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1000_000;
    this.metrics = opts.metrics;
    this.metrics?.watchProcessing(() => this.startedAt.values());
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // As client-go: an add counts (and is queued time) from now, even if the key waits for its worker.
    if (this.metrics) {
      this.metrics.added();
      this.metrics.depth(1);
      this.addedAt.set(key, Date.now());
    }
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Hands a dirty key to a waiting worker, or queues it. */
  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.take(key);
      waiter(key);
    } else {
      this.queue.push(key);
    }
  }

  private take(key: K): void {
    this.dirty.delete(key);
    this.processing.add(key);
    if (this.metrics) {
      const now = Date.now();
      this.metrics.depth(-1);
      this.metrics.waited((now - (this.addedAt.get(key) ?? now)) / 1000);
      this.addedAt.delete(key);
      this.startedAt.set(key, now);
    }
  }

  /**
   * Adds the key after a delay. A key already waiting keeps the earlier of the two ready times, as
   * client-go's delaying queue: a request to retry soon is not lost behind a long backoff.
   */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    // client-go counts every delayed add as a retry, whatever asked for it.
    this.metrics?.retried();
    if (delayMs <= 0) return this.add(key);
    const readyAt = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending) {
      if (pending.readyAt <= readyAt) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { timer, readyAt });
  }

  /** Re-adds a key that failed, with exponential backoff per key. */
  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs));
  }

  /** Clears the key's failure history (call after a successful reconcile). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** True once shut down: a key get() still hands out after that is left unprocessed by our workers. */
  get isShutDown(): boolean {
    return this.shuttingDown;
  }

  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waits for the next key; undefined once shut down. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.take(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise(resolve => this.waiters.push(resolve));
  }

  /** Marks the key processed; if it was re-added meanwhile it goes back in the queue. */
  done(key: K): void {
    this.processing.delete(key);
    const started = this.startedAt.get(key);
    if (started !== undefined) {
      this.metrics?.worked((Date.now() - started) / 1000);
      this.startedAt.delete(key);
    }
    if (this.dirty.has(key)) this.enqueue(key);
  }

  shutdown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
