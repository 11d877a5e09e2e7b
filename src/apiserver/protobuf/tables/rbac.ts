// Field tables for rbac/v1 (k8s.io/api v0.32, rbac/v1/generated.proto).
import type { Tables } from '../schema.js';

export const RBAC: Tables = {
  Role: { 1: ['metadata', 'ObjectMeta'], 2: ['rules', '[]PolicyRule'] },
  PolicyRule: {
    1: ['verbs', '[]string'],
    2: ['apiGroups', '[]string'],
    3: ['resources', '[]string'],
    4: ['resourceNames', '[]string'],
    5: ['nonResourceURLs', '[]string'],
  },
  ClusterRole: {
    1: ['metadata', 'ObjectMeta'],
    2: ['rules', '[]PolicyRule'],
    3: ['aggregationRule', 'AggregationRule'],
  },
  AggregationRule: { 1: ['clusterRoleSelectors', '[]LabelSelector'] },
  RoleBinding: { 1: ['metadata', 'ObjectMeta'], 2: ['subjects', '[]Subject'], 3: ['roleRef', 'RoleRef'] },
  Subject: {
    1: ['kind', '*string'],
    2: ['apiGroup', 'string'],
    3: ['name', '*string'],
    4: ['namespace', 'string'],
  },
  RoleRef: { 1: ['apiGroup', '*string'], 2: ['kind', '*string'], 3: ['name', '*string'] },
  ClusterRoleBinding: {
    1: ['metadata', 'ObjectMeta'],
    2: ['subjects', '[]Subject'],
    3: ['roleRef', 'RoleRef'],
  },
};
