// Field tables for autoscaling/v1 (k8s.io/api v0.32, autoscaling/v1/generated.proto).
import type { Tables } from '../schema.js';

export const AUTOSCALING: Tables = {
  Scale: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'ScaleSpec'], 3: ['status', 'ScaleStatus'] },
  ScaleSpec: { 1: ['replicas', 'int32'] },
  ScaleStatus: { 1: ['replicas', '*int32'], 2: ['selector', 'string'] },
  HorizontalPodAutoscaler: {
    1: ['metadata', 'ObjectMeta'],
    2: ['spec', 'HorizontalPodAutoscalerSpec'],
    3: ['status', 'HorizontalPodAutoscalerStatus'],
  },
  HorizontalPodAutoscalerSpec: {
    1: ['scaleTargetRef', 'CrossVersionObjectReference'],
    2: ['minReplicas', '*int32'],
    3: ['maxReplicas', '*int32'],
    4: ['targetCPUUtilizationPercentage', '*int32'],
  },
  CrossVersionObjectReference: {
    1: ['kind', '*string'],
    2: ['name', '*string'],
    3: ['apiVersion', 'string'],
  },
  HorizontalPodAutoscalerStatus: {
    1: ['observedGeneration', '*int64'],
    2: ['lastScaleTime', 'Time'],
    3: ['currentReplicas', '*int32'],
    4: ['desiredReplicas', '*int32'],
    5: ['currentCPUUtilizationPercentage', '*int32'],
  },
};
