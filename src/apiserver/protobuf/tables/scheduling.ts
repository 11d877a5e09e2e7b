// Field tables for scheduling/v1 (k8s.io/api v0.32, scheduling/v1/generated.proto).
import type { Tables } from '../schema.js';

export const SCHEDULING: Tables = {
  PriorityClass: {
    1: ['metadata', 'ObjectMeta'],
    2: ['value', '*int32'],
    3: ['globalDefault', 'bool'],
    4: ['description', 'string'],
    5: ['preemptionPolicy', '*string'],
  },
};
