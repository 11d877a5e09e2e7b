// PersistentVolumes (upstream pkg/registry/core/persistentvolume): status only through /status.
import { coreDefaults } from '../../../api/defaults/core.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const persistentVolumeStrategy: ResourceStrategy = statusSplitStrategy({
  defaults: coreDefaults.PersistentVolume,
});
