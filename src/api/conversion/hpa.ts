// HorizontalPodAutoscaler autoscaling/v1 <-> autoscaling/v2. Objects are stored as v2; v1 clients
// see the CPU utilization target as targetCPUUtilizationPercentage, and v2-only metrics survive a
// v1 round trip in the annotation upstream uses for them.
import type { KubeObject } from '../object.js';

type Obj = Record<string, any>;

const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

const isCpuUtilization = (m: Obj) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization';

export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const spec: Obj = v2.spec ?? {};
  const status: Obj = v2.status ?? {};
  const annotations = { ...(v2.metadata.annotations ?? {}) };
  const metrics: Obj[] = spec.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter(m => m !== cpu);
  if (others.length) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  if (spec.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  const currentCpu = (status.currentMetrics ?? []).find((m: Obj) => m.type === 'Resource' && m.resource?.name === 'cpu');
  const otherCurrent = (status.currentMetrics ?? []).filter((m: Obj) => m !== currentCpu);
  if (otherCurrent.length) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(otherCurrent);
  const v1Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v1Spec.minReplicas = spec.minReplicas;
  if (cpu) v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  const v1Status: Obj = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
  if (status.observedGeneration !== undefined) v1Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime) v1Status.lastScaleTime = status.lastScaleTime;
  if (currentCpu?.resource?.current?.averageUtilization !== undefined) v1Status.currentCPUUtilizationPercentage = currentCpu.resource.current.averageUtilization;
  return {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler',
    metadata: { ...v2.metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: v1Spec,
    ...(v2.status ? { status: v1Status } : {}),
  };
}

export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const spec: Obj = v1.spec ?? {};
  const status: Obj | undefined = v1.status as Obj | undefined;
  const annotations = { ...(v1.metadata.annotations ?? {}) };
  const restored = (key: string): Obj[] | Obj | undefined => {
    const text = annotations[key];
    delete annotations[key];
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  };
  const metrics: Obj[] = [...((restored(METRICS_ANNOTATION) as Obj[] | undefined) ?? [])];
  const behavior = restored(BEHAVIOR_ANNOTATION);
  const currentOthers = (restored(CURRENT_METRICS_ANNOTATION) as Obj[] | undefined) ?? [];
  if (spec.targetCPUUtilizationPercentage !== undefined) {
    metrics.unshift({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const v2Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v2Spec.minReplicas = spec.minReplicas;
  if (metrics.length) v2Spec.metrics = metrics;
  if (behavior) v2Spec.behavior = behavior;
  const out: KubeObject = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
    metadata: { ...v1.metadata, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: v2Spec,
  };
  if (!out.metadata.annotations) delete out.metadata.annotations;
  if (status) {
    const current: Obj[] = [...currentOthers];
    if (status.currentCPUUtilizationPercentage !== undefined) {
      current.unshift({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    out.status = {
      currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0,
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      ...(status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
      ...(current.length ? { currentMetrics: current } : {}),
    };
  }
  return out;
}
