// Field tables for autoscaling/v1 (k8s.io/api v0.32, autoscaling/v1/generated.proto).
import type { Tables } from '../schema.js';

export const AUTOSCALING: Tables = {
  Scale: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'ScaleSpec'], 3: ['status', 'ScaleStatus'] },
  ScaleSpec: { 1: ['replicas', 'int32'] },
  ScaleStatus: { 1: ['replicas', '*int32'], 2: ['selector', 'string'] },
};
