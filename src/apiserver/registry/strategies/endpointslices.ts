// EndpointSlices (upstream pkg/registry/discovery/endpointslice): ports defaulted; address type
// never changes.
import { discoveryDefaults } from '../../../api/defaults/discovery.js';
import { endpointSliceRules } from '../../../api/validation/discovery.js';
import type { ResourceStrategy } from '../strategy.js';

export const endpointSliceStrategy: ResourceStrategy = {
  defaults: discoveryDefaults.EndpointSlice,
  rules: endpointSliceRules,
};
