// PersistentVolumes (upstream pkg/registry/core/persistentvolume): status only through /status; the
// source never changes; the deprecated Recycle policy is accepted with upstream's warning (the PV
// controller then fails such a volume on release: no recycler exists).
import { coreDefaults } from '../../../api/defaults/core.js';
import type { KubeObject } from '../../../api/object.js';
import type { PersistentVolumeSpec } from '../../../api/types/generated.js';
import { storageRules } from '../../../api/validation/storage.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

function persistentVolumeWarnings(pv: KubeObject & { spec?: PersistentVolumeSpec }): string[] {
  return pv.spec?.persistentVolumeReclaimPolicy === 'Recycle'
    ? ['spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.']
    : [];
}

export const persistentVolumeStrategy: ResourceStrategy = statusSplitStrategy({
  defaults: coreDefaults.PersistentVolume,
  rules: storageRules.PersistentVolume,
  warningsOnCreate: persistentVolumeWarnings,
  warningsOnUpdate: persistentVolumeWarnings,
});
