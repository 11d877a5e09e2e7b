// StorageObjectInUseProtection, as upstream's plugin/pkg/admission/storage/storageobjectinuseprotection:
// every new PersistentVolume gets the kubernetes.io/pv-protection finalizer and every new claim
// kubernetes.io/pvc-protection, so neither disappears while bound or in use; the pv-protection and
// pvc-protection controllers remove them once that is over.
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../../api/storage-class.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

const FINALIZER_FOR: Record<string, string> = { persistentvolumes: PV_PROTECTION_FINALIZER, persistentvolumeclaims: PVC_PROTECTION_FINALIZER };

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection',
    admit(a: AdmissionAttributes): void {
      if (a.operation !== 'CREATE' || a.subresource || a.resource.group !== '' || !a.object) return;
      const finalizer = FINALIZER_FOR[a.resource.resource];
      if (!finalizer) return;
      const finalizers = (a.object.metadata.finalizers ??= []);
      if (!finalizers.includes(finalizer)) finalizers.push(finalizer);
    },
  };
}
