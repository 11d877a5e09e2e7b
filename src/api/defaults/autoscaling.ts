// Defaults for autoscaling HorizontalPodAutoscaler (pkg/apis/autoscaling/v1 and v2 defaults.go).
import type { Defaulter, Obj } from './types.js';

const DEFAULT_CPU_UTILIZATION = 80;

/** The metrics of a v2 HPA that names none: 80 % CPU utilization. */
export const defaultHpaMetrics = (): Obj[] =>
  [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];

// The v2 controller's historical behaviour: scale up by max(4 pods, 100%) per 15s at once, scale
// down by up to 100% per 15s. The scale-down window stays unset so the controller's flag applies.
const scaleUpRules = (): Obj => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
});
const scaleDownRules = (): Obj => ({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });

/** Fills every unset field of one direction's rules; an explicit policies list replaces the default one. */
function fillRules(given: Obj | undefined, defaults: Obj): Obj {
  const out = { ...defaults };
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (given?.[k] !== undefined) out[k] = given[k];
  return out;
}

export const autoscalingDefaults: Record<string, Defaulter> = {
  HorizontalPodAutoscaler(o, version) {
    const spec = (o.spec ??= {});
    spec.minReplicas ??= 1;
    // autoscaling/v1 has only targetCPUUtilizationPercentage, read by the controller as 80 when unset.
    if (version === 'v1') return;
    if (!spec.metrics?.length) {
      spec.metrics = defaultHpaMetrics();
    }
    if (spec.behavior) {
      spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpRules());
      spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownRules());
    }
  },
};
