// PersistentVolumeClaimResize, as upstream's plugin/pkg/admission/storage/persistentvolume/resize:
// a claim's storage request may grow only while it is bound and only when its StorageClass (the
// same before and after) says allowVolumeExpansion: true. Shrinking is refused by validation.
import { ForbiddenError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { compareQuantityText, quantityError } from '../../api/quantity.js';
import { claimClass } from '../../api/storage-class.js';
import type { PersistentVolumeClaimSpec, PersistentVolumeClaimStatus, StorageClass } from '../../api/types/generated.js';
import type { Registry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

type Claim = KubeObject & { spec?: PersistentVolumeClaimSpec; status?: PersistentVolumeClaimStatus };

export function persistentVolumeClaimResize(registry: () => Registry): AdmissionPlugin {
  return persistentVolumeClaimResizeFrom(name => registry().get('storage.k8s.io', 'storageclasses').getCached('', name)?.object);
}

/** The plugin over any lookup of a StorageClass by name (the registry's cache in the server). */
export function persistentVolumeClaimResizeFrom(storageClass: (name: string) => KubeObject | undefined): AdmissionPlugin {
  const allowsResize = (claim: Claim, old: Claim): boolean => {
    const name = claimClass(claim);
    if (!name || name !== claimClass(old)) return false;
    return (storageClass(name) as StorageClass | undefined)?.allowVolumeExpansion === true;
  };
  return {
    name: 'PersistentVolumeClaimResize',
    validate(a: AdmissionAttributes): void {
      if (a.operation !== 'UPDATE' || a.subresource || a.resource.group !== '' || a.resource.resource !== 'persistentvolumeclaims') return;
      const claim = a.object as Claim | undefined;
      const old = a.oldObject as Claim | undefined;
      if (!claim || !old) return;
      const oldSize = old.spec?.resources?.requests?.storage ?? '0';
      const newSize = claim.spec?.resources?.requests?.storage ?? '0';
      if (quantityError(oldSize) || quantityError(newSize) || compareQuantityText(newSize, oldSize) <= 0) return;
      const forbidden = (why: string) => new ForbiddenError(`persistentvolumeclaims "${a.name}" is forbidden: ${why}`, { group: '', resource: 'persistentvolumeclaims', name: a.name });
      if (old.status?.phase !== 'Bound') throw forbidden('Only bound persistent volume claims can be expanded');
      if (!allowsResize(claim, old)) throw forbidden('only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    },
  };
}
