// PersistentVolumeClaims (upstream pkg/registry/core/persistentvolumeclaim): status only through
// /status; selectable by the volume they are bound to.
import { coreDefaults } from '../../../api/defaults/core.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const persistentVolumeClaimStrategy: ResourceStrategy = statusSplitStrategy({
  defaults: coreDefaults.PersistentVolumeClaim,
  fieldSelectors: { 'spec.volumeName': o => o.spec?.volumeName },
});
