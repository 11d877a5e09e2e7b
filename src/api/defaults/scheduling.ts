// Defaults for scheduling.k8s.io/v1 (pkg/apis/scheduling/v1/defaults.go).
import type { Defaulter } from './types.js';

export const schedulingDefaults: Record<string, Defaulter> = {
  PriorityClass(o) {
    o.preemptionPolicy ??= 'PreemptLowerPriority';
  },
};
