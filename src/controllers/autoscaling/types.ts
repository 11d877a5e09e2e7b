// The objects the horizontal pod autoscaler reads and writes: the generated autoscaling/v2 and core
// types joined with the generic object shape (as controllers/workloads/types.ts does).
import type { KubeObject } from '../../api/object.js';
import type {
  AutoscalingV2HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, Pod as PodType, Scale as ScaleType,
} from '../../api/types/generated.js';

export type {
  HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerCondition, HPAScalingRules, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus,
} from '../../api/types/generated.js';

export type HorizontalPodAutoscaler = Omit<AutoscalingV2HorizontalPodAutoscaler, 'metadata'> & KubeObject;
export type Pod = Omit<PodType, 'metadata'> & KubeObject;
export type Scale = Omit<ScaleType, 'metadata'> & KubeObject;

/** A condition the autoscaler sets (its lastTransitionTime is kept by setCondition). */
export type ConditionUpdate = Omit<HorizontalPodAutoscalerCondition, 'lastTransitionTime'>;

/**
 * One pod's reading of a metric, in milli-units: when it was taken and over how long a window
 * (upstream's metricsclient.PodMetric).
 */
export interface PodMetric {
  timestampMs: number;
  windowMs: number;
  value: number;
}

/** Readings by pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;
