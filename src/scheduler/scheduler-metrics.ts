// kube-scheduler's series with upstream's names, labels and buckets: attempts by result and
// profile, how long an attempt and a pod's whole scheduling took, and the pending pods per queue.

import { Counter, exponentialBuckets, Gauge, Histogram, type Registry } from '../metrics/registry.js';
import type { PluginMetricsRecorder } from './framework.js';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

/** Upstream's pluginMetricsSamplePercent: plugin calls are timed in this share of scheduling cycles. */
const PLUGIN_SAMPLE_PERCENT = 10;

export class SchedulerMetrics {
  private readonly attempts: Counter<'result' | 'profile'>;
  private readonly attemptDuration: Histogram<'result' | 'profile'>;
  private readonly sli: Histogram<'attempts'>;
  private readonly pluginDuration: Histogram<'plugin' | 'extension_point' | 'status'>;
  private pendingSource?: () => Record<string, number>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.attempts = new Counter({
      name: 'scheduler_schedule_attempts_total', labelNames: ['result', 'profile'], registers,
      help: '[STABLE] Number of attempts to schedule pods, by the result. \'unschedulable\' means a pod could not be scheduled, while \'error\' means an internal scheduler problem.',
    });
    this.attemptDuration = new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds', labelNames: ['result', 'profile'], registers, buckets: exponentialBuckets(0.001, 2, 15),
      help: '[STABLE] Scheduling attempt latency in seconds (scheduling algorithm + binding)',
    });
    this.sli = new Histogram({
      name: 'scheduler_pod_scheduling_sli_duration_seconds', labelNames: ['attempts'], registers, buckets: exponentialBuckets(0.01, 2, 20),
      help: '[BETA] E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.',
    });
    this.pluginDuration = new Histogram({
      name: 'scheduler_plugin_execution_duration_seconds', labelNames: ['plugin', 'extension_point', 'status'], registers, buckets: exponentialBuckets(0.00001, 1.5, 20),
      help: '[ALPHA] Duration for running a plugin at a specific extension point.',
    });
    const metrics = this;
    new Gauge({
      name: 'scheduler_pending_pods', labelNames: ['queue'], registers,
      help: '[STABLE] Number of pending pods, by the queue type. \'active\' means number of pods in activeQ; \'backoff\' means number of pods in backoffQ; \'unschedulable\' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; \'gated\' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.',
      collect() {
        this.reset();
        for (const [queue, n] of Object.entries(metrics.pendingSource?.() ?? {})) this.set({ queue }, n);
      },
    });
  }

  /** The scheduler whose queue is read at scrape time (a new one each term of leadership). */
  watchQueue(lengths: () => Record<string, number>): void {
    this.pendingSource = lengths;
  }

  /** One attempt ended; `startedMs` is when its cycle began. */
  attempt(result: AttemptResult, profile: string, startedMs: number): void {
    this.attempts.inc({ result, profile });
    this.attemptDuration.observe({ result, profile }, (performance.now() - startedMs) / 1000);
  }

  /**
   * The recorder for a new scheduling cycle's plugin calls, or undefined when this cycle is not
   * sampled (upstream times the plugins of 10% of cycles: the timing costs more than most plugins).
   */
  sampleCycle(random: () => number = Math.random): PluginMetricsRecorder | undefined {
    return random() * 100 < PLUGIN_SAMPLE_PERCENT ? this.pluginRecorder : undefined;
  }

  private readonly pluginRecorder: PluginMetricsRecorder = {
    observe: (plugin, extensionPoint, status, startedMs) => {
      this.pluginDuration.observe({ plugin, extension_point: extensionPoint, status: status?.code ?? 'Success' }, (performance.now() - startedMs) / 1000);
    },
  };

  /** A pod was bound: the time since it first entered the queue, labelled with its attempts. */
  podScheduled(attempts: number, sinceMs: number): void {
    this.sli.observe({ attempts: String(attempts) }, Math.max(0, Date.now() - sinceMs) / 1000);
  }
}
