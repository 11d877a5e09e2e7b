// PersistentVolumes (upstream pkg/registry/core/persistentvolume): status only through /status, its
// lastPhaseTransitionTime kept by the server; the source never changes; the deprecated Recycle
// policy is accepted with upstream's warning (the PV controller then fails such a volume on
// release: no recycler exists).
import { coreDefaults } from '../../../api/defaults/core.js';
import { nowTimestamp, type KubeObject } from '../../../api/object.js';
import type { PersistentVolumeSpec } from '../../../api/types/generated.js';
import { storageRules } from '../../../api/validation/storage.js';
import { keepAllButStatus, statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

function persistentVolumeWarnings(pv: KubeObject & { spec?: PersistentVolumeSpec }): string[] {
  return pv.spec?.persistentVolumeReclaimPolicy === 'Recycle'
    ? ['spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.']
    : [];
}

type Volume = KubeObject & { status?: { phase?: string; lastPhaseTransitionTime?: string } };

export const persistentVolumeStrategy: ResourceStrategy = statusSplitStrategy({
  prepareForCreate(obj) {
    (obj as Volume).status = { phase: 'Pending', lastPhaseTransitionTime: nowTimestamp() };
  },
  subresourceUpdates: {
    // A phase change is stamped now, unless the writer stamped it itself.
    status(obj, old) {
      keepAllButStatus(obj, old);
      const next = obj as Volume;
      const prev = (old as Volume).status ?? {};
      if (next.status && next.status.phase !== prev.phase && (!next.status.lastPhaseTransitionTime || next.status.lastPhaseTransitionTime === prev.lastPhaseTransitionTime)) {
        next.status.lastPhaseTransitionTime = nowTimestamp();
      }
    },
  },
  defaults: coreDefaults.PersistentVolume,
  rules: storageRules.PersistentVolume,
  warningsOnCreate: persistentVolumeWarnings,
  warningsOnUpdate: persistentVolumeWarnings,
});
