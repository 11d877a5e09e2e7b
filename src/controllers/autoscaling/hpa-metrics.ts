// The autoscaler's Prometheus series, as upstream's podautoscaler/monitor names them: reconciliations
// and metric computations, counted and timed by the action they led to and the kind of error.
import { Counter, exponentialBuckets, Histogram, type Registry } from '../../metrics/registry.js';

export type ActionLabel = 'scale_up' | 'scale_down' | 'none';
/** `spec`: the HPA asks for something impossible (a bad apiVersion, an unknown metric type). */
export type ErrorLabel = 'spec' | 'internal' | 'none';

export interface HpaMonitor {
  reconciled(action: ActionLabel, error: ErrorLabel, seconds: number): void;
  metricComputed(action: ActionLabel, error: ErrorLabel, seconds: number, metricType: string): void;
}

// prometheus.ExponentialBuckets(0.001, 2, 15): 1 ms to about 16 s.
const BUCKETS = exponentialBuckets(0.001, 2, 15);
const LABELS = "The label 'action' should be either 'scale_down', 'scale_up', or 'none'. Also, the label 'error' should be either 'spec', 'internal', or 'none'.";
const FIRST_ERROR = 'Note that if both spec and internal errors happen during a reconciliation, the first one to occur is reported in `error` label.';

export class HpaMetrics implements HpaMonitor {
  private readonly reconciliations: Counter<'action' | 'error'>;
  private readonly reconciliationDuration: Histogram<'action' | 'error'>;
  private readonly computations: Counter<'action' | 'error' | 'metric_type'>;
  private readonly computationDuration: Histogram<'action' | 'error' | 'metric_type'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const prefix = 'horizontal_pod_autoscaler_controller_';
    this.reconciliations = new Counter({
      name: `${prefix}reconciliations_total`, registers, labelNames: ['action', 'error'],
      help: `[ALPHA] Number of reconciliations of HPA controller. ${LABELS} ${FIRST_ERROR}`,
    });
    this.reconciliationDuration = new Histogram({
      name: `${prefix}reconciliation_duration_seconds`, registers, labelNames: ['action', 'error'], buckets: BUCKETS,
      help: `[ALPHA] The time(seconds) that the HPA controller takes to reconcile once. ${LABELS} ${FIRST_ERROR}`,
    });
    this.computations = new Counter({
      name: `${prefix}metric_computation_total`, registers, labelNames: ['action', 'error', 'metric_type'],
      help: `[ALPHA] Number of metric computations. ${LABELS} The label 'metric_type' corresponds to HPA.spec.metrics[*].type`,
    });
    this.computationDuration = new Histogram({
      name: `${prefix}metric_computation_duration_seconds`, registers, labelNames: ['action', 'error', 'metric_type'], buckets: BUCKETS,
      help: "[ALPHA] The time(seconds) that the HPA controller takes to calculate one metric. The label 'action' should be either 'scale_down', 'scale_up', or 'none'. The label 'error' should be either 'spec', 'internal', or 'none'. The label 'metric_type' corresponds to HPA.spec.metrics[*].type",
    });
  }

  reconciled(action: ActionLabel, error: ErrorLabel, seconds: number): void {
    this.reconciliations.inc({ action, error });
    this.reconciliationDuration.observe({ action, error }, seconds);
  }

  metricComputed(action: ActionLabel, error: ErrorLabel, seconds: number, metricType: string): void {
    this.computations.inc({ action, error, metric_type: metricType });
    this.computationDuration.observe({ action, error, metric_type: metricType }, seconds);
  }
}

/** The action of a change from `current` to `next` replicas. */
export const actionOf = (current: number, next: number): ActionLabel => (next > current ? 'scale_up' : next < current ? 'scale_down' : 'none');
