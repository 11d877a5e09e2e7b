// CSIDrivers (upstream pkg/registry/storage/csidriver): only defaults.
import { storageDefaults } from '../../../api/defaults/storage.js';
import type { ResourceStrategy } from '../strategy.js';

export const csiDriverStrategy: ResourceStrategy = {
  defaults: storageDefaults.CSIDriver,
};
