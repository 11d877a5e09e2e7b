// Endpoints (upstream pkg/registry/core/endpoint): written by the endpoints controller, which
// may PUT an object that does not exist yet.
import { coreDefaults } from '../../../api/defaults/core.js';
import type { ResourceStrategy } from '../strategy.js';

export const endpointsStrategy: ResourceStrategy = {
  defaults: coreDefaults.Endpoints,
  allowCreateOnUpdate: true,
};
