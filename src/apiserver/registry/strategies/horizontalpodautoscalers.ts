// HorizontalPodAutoscalers (upstream pkg/registry/autoscaling/horizontalpodautoscaler): status
// only through /status, generation counts spec changes; defaults differ between v1 and v2.
import { autoscalingDefaults } from '../../../api/defaults/autoscaling.js';
import { hpaRules } from '../../../api/validation/policy.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const horizontalPodAutoscalerStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: autoscalingDefaults.HorizontalPodAutoscaler,
  rules: hpaRules,
});
