// autoscaling HorizontalPodAutoscalers, v1 and v2 alike: upstream prints both from the internal
// type, so v1's CPU-percentage fields are read as the v2 Resource metric they convert to.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import { quantityPtr } from './format.js';
import type { Obj, Printer } from './types.js';

const SHOWN_METRICS = 2;

/** spec.metrics and status.currentMetrics in v2 shape, converting v1's CPU-percentage fields. */
function metricsOf(o: Obj): { specs: Obj[]; statuses: Obj[] } {
  if (o.spec?.metrics || o.spec?.targetCPUUtilizationPercentage === undefined) {
    return { specs: o.spec?.metrics ?? [], statuses: o.status?.currentMetrics ?? [] };
  }
  const cpu = (target: Obj) => ({ type: 'Resource', resource: { name: 'cpu', ...target } });
  const current = o.status?.currentCPUUtilizationPercentage;
  return {
    specs: [cpu({ target: { type: 'Utilization', averageUtilization: o.spec.targetCPUUtilizationPercentage } })],
    statuses: current === undefined ? [] : [cpu({ current: { averageUtilization: current } })],
  };
}

const percent = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : `${v}%`);

/** "name: current/target" for Resource and ContainerResource metrics, by value or utilization. */
function resourceTarget(spec: Obj | undefined, status: Obj | undefined): string {
  const target: Obj = spec?.target ?? {};
  if (target.averageValue !== undefined && target.averageValue !== null) {
    const current = status ? quantityPtr(status.current?.averageValue) : '<unknown>';
    return `${spec?.name ?? ''}: ${current}/${target.averageValue}`;
  }
  const current = percent(status?.current?.averageUtilization) ?? '<unknown>';
  return `${spec?.name ?? ''}: ${current}/${percent(target.averageUtilization) ?? '<auto>'}`;
}

/** "current/target", or "current/target (avg)" for Object and External metrics with an average target. */
function valueTarget(spec: Obj | undefined, status: Obj | undefined): string {
  const target: Obj = spec?.target ?? {};
  if (target.averageValue !== undefined && target.averageValue !== null) {
    const current = status?.current?.averageValue !== undefined && status?.current?.averageValue !== null ? String(status.current.averageValue) : '<unknown>';
    return `${current}/${target.averageValue} (avg)`;
  }
  const current = status ? quantityPtr(status.current?.value) : '<unknown>';
  return `${current}/${quantityPtr(target.value)}`;
}

/** Each metric's status sits at the same index as its spec. */
function formatMetrics(specs: Obj[], statuses: Obj[]): string {
  if (!specs.length) return '<none>';
  const list = specs.map((spec, i) => {
    const status: Obj | undefined = statuses[i];
    switch (spec.type) {
      case 'External': return valueTarget(spec.external, status?.external);
      case 'Object': return valueTarget(spec.object, status?.object);
      case 'Pods': {
        const current = status?.pods ? quantityPtr(status.pods.current?.averageValue) : '<unknown>';
        return `${current}/${quantityPtr(spec.pods?.target?.averageValue)}`;
      }
      case 'Resource': return resourceTarget(spec.resource, status?.resource);
      case 'ContainerResource': return resourceTarget(spec.containerResource, status?.containerResource);
      default: return '<unknown type>';
    }
  });
  const shown = list.slice(0, SHOWN_METRICS).join(', ');
  return list.length > SHOWN_METRICS ? `${shown} + ${list.length - SHOWN_METRICS} more...` : shown;
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    nameCol(),
    col('Reference', 'scaleTargetRef points to the target resource to scale.'),
    col('Targets', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
    col('MinPods', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    col('MaxPods', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    col('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    ageCol(),
  ],
  cells(o, now) {
    const ref: Obj = o.spec?.scaleTargetRef ?? {};
    const { specs, statuses } = metricsOf(o);
    const min = o.spec?.minReplicas;
    return [
      o.metadata?.name ?? '', `${ref.kind ?? ''}/${ref.name ?? ''}`, formatMetrics(specs, statuses), min === undefined || min === null ? '<unset>' : String(min),
      o.spec?.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, since(o.metadata?.creationTimestamp, now),
    ];
  },
};
