// ConfigMaps (upstream pkg/registry/core/configmap): keys and sizes validated; an immutable
// ConfigMap keeps its data.
import { configMapRules } from '../../../api/validation/config.js';
import type { ResourceStrategy } from '../strategy.js';

export const configMapStrategy: ResourceStrategy = {
  rules: configMapRules,
};
