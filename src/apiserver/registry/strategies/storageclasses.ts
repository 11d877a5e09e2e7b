// StorageClasses (upstream pkg/registry/storage/storageclass): defaults, and provisioner,
// parameters, reclaimPolicy and volumeBindingMode fixed once created.
import { storageDefaults } from '../../../api/defaults/storage.js';
import { storageRules } from '../../../api/validation/storage.js';
import type { ResourceStrategy } from '../strategy.js';

export const storageClassStrategy: ResourceStrategy = {
  defaults: storageDefaults.StorageClass,
  rules: storageRules.StorageClass,
};
