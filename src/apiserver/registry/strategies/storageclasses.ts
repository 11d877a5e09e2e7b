// StorageClasses (upstream pkg/registry/storage/storageclass): only defaults.
import { storageDefaults } from '../../../api/defaults/storage.js';
import type { ResourceStrategy } from '../strategy.js';

export const storageClassStrategy: ResourceStrategy = {
  defaults: storageDefaults.StorageClass,
};
