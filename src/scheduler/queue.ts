// The scheduling queue, after upstream's PriorityQueue: activeQ (ready to try, in the profile's
// queue-sort order), backoffQ (failed recently; waits 1s doubling to 10s per attempt) and the
// unschedulable pods, which wait for a cluster event one of their rejecting plugins cares about
// (or the 5-minute flush). Gated pods (spec.schedulingGates) wait with them until ungated.
import { KeyedHeap } from './heap.js';
import { PodInfo } from './pod-info.js';
import type { Pod } from './types.js';

export interface QueuedPodInfo {
  info: PodInfo;
  /** When the pod entered the queue (queue-sort tie-breaker). */
  timestamp: number;
  attempts: number;
  initialAttemptTimestamp?: number;
  /** Plugins that rejected it last time; only their events move it back. */
  unschedulablePlugins: Set<string>;
  gated: boolean;
  backoffExpiry: number;
}

export interface ClusterEvent {
  resource: 'Node' | 'Pod' | 'AssignedPod' | 'PriorityClass' | 'Namespace' | 'PersistentVolume' | 'PersistentVolumeClaim' | 'StorageClass';
  action: 'Add' | 'Update' | 'Delete';
  /** For logs and tests. */
  label: string;
}

export interface QueueOptions {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  /** Whether the pod may enter activeQ (PreEnqueue: scheduling gates). */
  preEnqueue(pod: Pod): boolean;
  /** Whether an event may make a pod rejected by `plugin` schedulable. */
  interested(plugin: string, event: ClusterEvent): boolean;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  unschedulableFlushMs?: number;
  now?: () => number;
}

export class SchedulingQueue {
  private readonly active: KeyedHeap<QueuedPodInfo>;
  private readonly backoff = new KeyedHeap<QueuedPodInfo>(q => q.info.key, (a, b) => a.backoffExpiry < b.backoffExpiry);
  private readonly unschedulable = new Map<string, QueuedPodInfo & { since: number }>();
  /** Keys popped and not yet done; an update meanwhile is remembered for when they come back. */
  private readonly inFlight = new Map<string, Pod | null | undefined>();
  private waiter?: (q: QueuedPodInfo | undefined) => void;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private cycle = 0;
  private moveRequestCycle = -1;
  private readonly now: () => number;

  constructor(private readonly o: QueueOptions) {
    this.active = new KeyedHeap(q => q.info.key, o.less);
    this.now = o.now ?? Date.now;
  }

  /** Starts the backoff flush (every second) and unschedulable flush (every 30s). */
  run(): void {
    this.timers.push(setInterval(() => this.flushBackoff(), 1000), setInterval(() => this.flushUnschedulable(), 30_000));
    for (const t of this.timers) t.unref();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  get schedulingCycle(): number {
    return this.cycle;
  }

  /** Pending pods per queue as upstream's scheduler_pending_pods counts them: gated pods apart from unschedulable ones. */
  get lengths(): { active: number; backoff: number; unschedulable: number; gated: number } {
    let gated = 0;
    for (const q of this.unschedulable.values()) if (q.gated) gated++;
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size - gated, gated };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** A new or updated pending pod. */
  add(pod: Pod): void {
    const info = new PodInfo(pod);
    if (this.inFlight.has(info.key)) {
      this.inFlight.set(info.key, pod);
      return;
    }
    const inActive = this.active.get(info.key);
    const inBackoff = this.backoff.get(info.key);
    const waiting = this.unschedulable.get(info.key);
    const old = inActive ?? inBackoff ?? waiting;
    if (!old) {
      this.toActiveOrGated({ info, timestamp: this.now(), attempts: 0, unschedulablePlugins: new Set(), gated: false, backoffExpiry: 0 });
      return;
    }
    const q: QueuedPodInfo = { ...old, info };
    if (inActive) this.active.push(q);
    else if (inBackoff) this.backoff.push(q);
    else if (waiting!.gated || changedForScheduling(old.info.pod, pod)) {
      this.unschedulable.delete(info.key);
      if (!waiting!.gated && q.backoffExpiry > this.now()) this.backoff.push(q); else this.toActiveOrGated(q);
    } else {
      this.unschedulable.set(info.key, { ...waiting!, info });
    }
  }

  delete(key: string): void {
    this.remove(key);
    if (this.inFlight.has(key)) this.inFlight.set(key, null);
  }

  /** Waits for the next pod in queue-sort order; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const q = this.active.pop();
    if (q) return Promise.resolve(this.popped(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise(resolve => (this.waiter = resolve));
  }

  /** Synchronous pop for batch loops; undefined when activeQ is empty. */
  tryPop(): QueuedPodInfo | undefined {
    const q = this.active.pop();
    return q ? this.popped(q) : undefined;
  }

  /**
   * Returns a pod that failed to schedule. If a cluster event arrived while it was being tried,
   * it goes to backoff (the event might have helped); otherwise it waits as unschedulable.
   */
  addUnschedulable(q: QueuedPodInfo, podCycle: number): void {
    const update = this.inFlight.get(q.info.key);
    this.inFlight.delete(q.info.key);
    if (update === null || this.closed) return;
    if (update) q = { ...q, info: new PodInfo(update) };
    q.backoffExpiry = this.backoffExpiryOf(q);
    if (this.moveRequestCycle >= podCycle || update) this.backoff.push(q);
    else this.unschedulable.set(q.info.key, { ...q, since: this.now() });
  }

  /** Returns a pod whose attempt errored (not "unschedulable"): straight to backoff. */
  addBackoff(q: QueuedPodInfo): void {
    const update = this.inFlight.get(q.info.key);
    this.inFlight.delete(q.info.key);
    if (update === null || this.closed) return;
    if (update) q = { ...q, info: new PodInfo(update) };
    q.backoffExpiry = this.backoffExpiryOf(q);
    this.backoff.push(q);
  }

  /** The pod was scheduled (or dropped); forget it. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** A cluster event: unschedulable pods some of whose rejecting plugins care move on. */
  moveOnEvent(event: ClusterEvent): void {
    this.moveRequestCycle = this.cycle;
    const now = this.now();
    for (const [key, q] of this.unschedulable) {
      if (q.gated) continue;
      const relevant = q.unschedulablePlugins.size === 0 || [...q.unschedulablePlugins].some(p => this.o.interested(p, event));
      if (!relevant) continue;
      this.unschedulable.delete(key);
      if (q.backoffExpiry > now) this.backoff.push(q); else this.pushActive(q);
    }
  }

  flushBackoff(): void {
    const now = this.now();
    for (let q = this.backoff.peek(); q && q.backoffExpiry <= now; q = this.backoff.peek()) this.pushActive(this.backoff.pop()!);
  }

  flushUnschedulable(maxWaitMs = this.o.unschedulableFlushMs ?? 5 * 60_000): void {
    const now = this.now();
    for (const [key, q] of this.unschedulable) {
      if (q.gated || now - q.since < maxWaitMs) continue;
      this.unschedulable.delete(key);
      this.pushActive(q);
    }
  }

  private popped(q: QueuedPodInfo): QueuedPodInfo {
    this.cycle++;
    q.attempts++;
    q.initialAttemptTimestamp ??= this.now();
    this.inFlight.set(q.info.key, undefined);
    return q;
  }

  private toActiveOrGated(q: QueuedPodInfo): void {
    if (!this.o.preEnqueue(q.info.pod)) {
      this.unschedulable.set(q.info.key, { ...q, gated: true, since: this.now() });
      return;
    }
    q.gated = false;
    this.pushActive(q);
  }

  private pushActive(q: QueuedPodInfo): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(this.popped(q));
      return;
    }
    this.active.push(q);
  }

  private remove(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  private backoffExpiryOf(q: QueuedPodInfo): number {
    const base = this.o.initialBackoffMs ?? 1000;
    const max = this.o.maxBackoffMs ?? 10_000;
    const d = Math.min(max, base * 2 ** Math.max(0, q.attempts - 1));
    return this.now() + d;
  }
}

/** An update to what the scheduler reads (spec, labels) may make a waiting pod schedulable. */
function changedForScheduling(prev: Pod, next: Pod): boolean {
  return JSON.stringify(prev.spec) !== JSON.stringify(next.spec) || JSON.stringify(prev.metadata.labels) !== JSON.stringify(next.metadata.labels);
}
