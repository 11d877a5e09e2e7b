// client-go's workqueue metrics (upstream's names, labels and buckets): what every controller's
// queue adds, holds, waits and works, so the controller-manager dashboards work unchanged.

import { Counter, Gauge, Histogram, type Registry } from '../metrics/registry.js';

// prometheus.ExponentialBuckets(10e-9, 10, 10): 10 ns to 10 s.
const DURATION_BUCKETS = Array.from({ length: 10 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));

/** What a queue tells its metrics; the queue keeps the timestamps, so this stays stateless per item. */
export interface QueueMetricsRecorder {
  added(): void;
  depth(delta: number): void;
  waited(seconds: number): void;
  worked(seconds: number): void;
  retried(): void;
  /** The start times (ms) of the items being processed now, read at scrape time. */
  watchProcessing(startTimes: () => Iterable<number>): void;
}

export class WorkQueueMetrics {
  private readonly adds: Counter<'name'>;
  private readonly depthGauge: Gauge<'name'>;
  private readonly queueDuration: Histogram<'name'>;
  private readonly workDuration: Histogram<'name'>;
  private readonly retries: Counter<'name'>;
  private readonly processing = new Map<string, () => Iterable<number>>();

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['name'] as const;
    this.adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames, registers });
    this.depthGauge = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames, registers });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested.', labelNames, registers, buckets: DURATION_BUCKETS,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes.', labelNames, registers, buckets: DURATION_BUCKETS,
    });
    this.retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames, registers });
    const processing = this.processing;
    const each = (read: (starts: number[], now: number) => number) => function (this: Gauge<'name'>) {
      const now = Date.now();
      for (const [name, starts] of processing) this.set({ name }, read([...starts()], now));
    };
    new Gauge({
      name: 'workqueue_unfinished_work_seconds', labelNames, registers,
      help: 'How many seconds of work has done that is in progress and hasn\'t been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.',
      collect: each((starts, now) => starts.reduce((sum, t) => sum + (now - t) / 1000, 0)),
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds', labelNames, registers,
      help: 'How many seconds has the longest running processor for workqueue been running.',
      collect: each((starts, now) => starts.reduce((max, t) => Math.max(max, (now - t) / 1000), 0)),
    });
  }

  /** The recorder of the queue called `name` (upstream: the controller's name). */
  forQueue(name: string): QueueMetricsRecorder {
    const labels = { name };
    // Every series of a queue exists from its start, as upstream's (zero before the first add).
    this.adds.inc(labels, 0);
    this.retries.inc(labels, 0);
    this.depthGauge.set(labels, 0);
    this.queueDuration.zero(labels);
    this.workDuration.zero(labels);
    return {
      added: () => this.adds.inc(labels),
      depth: delta => this.depthGauge.inc(labels, delta),
      waited: s => this.queueDuration.observe(labels, s),
      worked: s => this.workDuration.observe(labels, s),
      retried: () => this.retries.inc(labels),
      watchProcessing: starts => this.processing.set(name, starts),
    };
  }
}
