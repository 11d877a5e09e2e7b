// Plays the kubelet for every pod bound to this process's nodes, driven by one pod informer over
// all bound pods: starts pods (Running, Ready, an IP from the node's range), completes
// run-to-completion pods after the job duration, and finishes graceful deletion at once (status
// terminated, then delete with grace period 0) as upstream's kubelet does after killing containers.
import { isConflict, isNotFound, StatusError } from '../api/errors.js';
import { nowTimestamp } from '../api/object.js';
import type { Informer } from '../client/informer.js';
import { objectPath, R } from '../client/resources.js';
import type { Logger } from '../util/log.js';
import type { Limiter } from '../util/limiter.js';
import type { SimNodeOptions } from './options.js';
import { podKey, runningStatus, runsToCompletion, terminatedStatus, type PodObject } from './pod-status.js';
import type { NodeRegistry, SimNode } from './registry.js';
import { errorMessage } from '../util/error-message.js';

const RETRY_MS = 1000;

export class SimKubelet {
  /** Pod keys with a write in flight, so overlapping watch events do not repeat it. */
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly registry: NodeRegistry,
    private readonly pods: Informer<PodObject>,
    private readonly limiter: Limiter,
    private readonly o: SimNodeOptions,
    private readonly log: Logger,
  ) {}

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Re-examines every pod of a node (after it resumes heartbeating). */
  resyncNode(node: SimNode): void {
    for (const pod of this.pods.list()) if (pod.spec?.nodeName === node.name) this.sync(pod);
  }

  forget(pod: PodObject): void {
    const node = this.registry.get(pod.spec?.nodeName);
    if (!node) return;
    node.pool?.release(pod.metadata.uid!);
    this.clearTimer(podKey(pod));
  }

  sync(pod: PodObject): void {
    if (this.stopped) return;
    const node = this.registry.get(pod.spec?.nodeName);
    if (!node || !node.heartbeating) return;
    const key = podKey(pod);
    if (this.busy.has(key)) return;
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp) return this.run(key, () => this.finishDeletion(pod, node));
    if (phase === 'Succeeded' || phase === 'Failed') {
      node.pool?.release(pod.metadata.uid!);
      return;
    }
    if (phase !== 'Running') return this.start(pod, node, key);
    if (pod.status?.podIP) this.registry.pool(node)?.adopt(pod.metadata.uid!, pod.status.podIP);
    const ready = pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True');
    // The node lifecycle controller marks pods not ready while the node is silent; say otherwise.
    if (!ready) return this.start(pod, node, key);
    if (runsToCompletion(pod) && !this.timers.has(key)) {
      const started = Date.parse(pod.status?.startTime ?? '') || Date.now();
      this.later(key, Math.max(0, started + this.o.jobDurationMs - Date.now()));
    }
  }

  private start(pod: PodObject, node: SimNode, key: string): void {
    const pool = this.registry.pool(node);
    if (!pool) return this.later(key, RETRY_MS / 4);
    const ip = pod.status?.podIP ?? pool.allocate(pod.metadata.uid!);
    if (!ip) {
      this.log('pod CIDR exhausted', { node: node.name, pod: key });
      return this.later(key, RETRY_MS * 10);
    }
    this.run(key, () => this.writeStatus(node, pod, runningStatus(pod, node.hostIP, ip, nowTimestamp())));
  }

  private async finishDeletion(pod: PodObject, node: SimNode): Promise<void> {
    if (pod.status?.phase === 'Running') await this.writeStatus(node, pod, terminatedStatus(pod, nowTimestamp(), 0));
    await this.limiter.run(() => this.registry.clientOf(node).delete(objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!),
      { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }));
    node.pool?.release(pod.metadata.uid!);
  }

  private complete(key: string): void {
    const pod = this.pods.get(key);
    const node = this.registry.get(pod?.spec?.nodeName);
    if (!pod || !node?.heartbeating || pod.metadata.deletionTimestamp || pod.status?.phase !== 'Running') return;
    this.run(key, async () => {
      const done = await this.writeStatus(node, pod, terminatedStatus(pod, nowTimestamp(), 0, 'Succeeded'));
      node.pool?.release(pod.metadata.uid!);
      return done;
    });
  }

  private writeStatus(node: SimNode, pod: PodObject, status: Record<string, unknown>): Promise<PodObject> {
    return this.limiter.run(() => this.registry.clientOf(node).patch<PodObject>(objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!, 'status'),
      { metadata: { uid: pod.metadata.uid }, status }, 'merge'));
  }

  /**
   * Runs one write for a pod, then syncs the state it wrote (its watch event may have arrived, and
   * been skipped, while the write was in flight). A failure other than "gone" retries later.
   */
  private run(key: string, fn: () => Promise<PodObject | void>): void {
    this.busy.add(key);
    fn().then(
      written => {
        this.busy.delete(key);
        if (written) this.sync(written);
      },
      (err: unknown) => {
        this.busy.delete(key);
        // Gone, replaced by a namesake (uid precondition) or changed under us: the watch brings news.
        if (isNotFound(err) || isConflict(err) || (err instanceof StatusError && err.code === 422)) return;
        this.log('pod update failed; retrying', { pod: key, error: errorMessage(err) });
        this.later(key, RETRY_MS);
      },
    );
  }

  /** Re-syncs the pod after a delay (or completes it, for a running Job pod). */
  private later(key: string, ms: number): void {
    this.clearTimer(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const pod = this.pods.get(key);
      if (!pod) return;
      if (pod.status?.phase === 'Running' && runsToCompletion(pod) && !pod.metadata.deletionTimestamp) this.complete(key);
      else this.sync(pod);
    }, ms));
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }
}
