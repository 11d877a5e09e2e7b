// PersistentVolumeClaims (upstream pkg/registry/core/persistentvolumeclaim): status only through
// /status; the spec frozen but for expansion and the binder's volumeName; selectable by the volume
// they are bound to.
import { coreDefaults } from '../../../api/defaults/core.js';
import { storageRules } from '../../../api/validation/storage.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const persistentVolumeClaimStrategy: ResourceStrategy = statusSplitStrategy({
  defaults: coreDefaults.PersistentVolumeClaim,
  rules: storageRules.PersistentVolumeClaim,
  fieldSelectors: { 'spec.volumeName': o => o.spec?.volumeName },
});
