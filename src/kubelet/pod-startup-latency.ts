// Upstream's pod startup latency tracker: for pods this kubelet sees from their start (no startTime
// yet when first observed, so not pods adopted after a restart), the time from the pod's creation
// until the watch shows every container running, less the time spent pulling images (first pull
// started to last pull finished) — the pod startup SLI — and the time from the kubelet first seeing
// the pod until the watch shows it Running.

import type { PodObject } from './types.js';

export interface PodStartupSink {
  podStartDuration(seconds: number): void;
  podStartSliDuration(seconds: number): void;
}

interface PodStartState {
  firstSeenMs: number;
  firstPullStartedMs?: number;
  lastPullFinishedMs?: number;
  startRecorded: boolean;
}

export class PodStartupTracker {
  private readonly pods = new Map<string, PodStartState>();

  constructor(private readonly sink: PodStartupSink, private readonly now: () => number = Date.now) {}

  /** A version of the pod arrived through the watch. */
  observed(pod: PodObject): void {
    const uid = pod.metadata.uid ?? '';
    const state = this.pods.get(uid);
    if (!state) {
      if (!pod.status?.startTime) this.pods.set(uid, { firstSeenMs: this.now(), startRecorded: false });
      return;
    }
    const phase = pod.status?.phase;
    // A pod that finished before every container was seen running (a quick Job) never started as the SLI means.
    if (phase === 'Succeeded' || phase === 'Failed') return void this.pods.delete(uid);
    const now = this.now();
    if (!state.startRecorded && phase === 'Running') {
      state.startRecorded = true;
      this.sink.podStartDuration(Math.max(0, now - state.firstSeenMs) / 1000);
    }
    if (!allContainersRunning(pod)) return;
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    if (!Number.isNaN(created)) {
      const pulling = state.firstPullStartedMs !== undefined && state.lastPullFinishedMs !== undefined ? state.lastPullFinishedMs - state.firstPullStartedMs : 0;
      this.sink.podStartSliDuration(Math.max(0, now - created - pulling) / 1000);
    }
    if (!state.startRecorded) this.sink.podStartDuration(Math.max(0, now - state.firstSeenMs) / 1000);
    // Measured once: later versions of the pod (restarts) are not startups.
    this.pods.delete(uid);
  }

  /** An image pull for the pod began (the first one starts the span left out of the SLI). */
  pullStarted(uid: string): void {
    const state = this.pods.get(uid);
    if (state && state.firstPullStartedMs === undefined) state.firstPullStartedMs = this.now();
  }

  /** An image pull for the pod finished. */
  pullFinished(uid: string): void {
    const state = this.pods.get(uid);
    if (state && state.firstPullStartedMs !== undefined) state.lastPullFinishedMs = this.now();
  }

  /** The pod is gone from the API. */
  forget(uid: string): void {
    this.pods.delete(uid);
  }
}

/** Upstream's hasPodStartedSLO, with at least one container reported. */
function allContainersRunning(pod: PodObject): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every(cs => !!cs.state?.running?.startedAt);
}
