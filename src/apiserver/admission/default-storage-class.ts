// DefaultStorageClass, as upstream's plugin/pkg/admission/storage/storageclass/setdefault: a new
// PersistentVolumeClaim that names no class (no spec.storageClassName, not even "", and no beta
// volume.beta.kubernetes.io/storage-class annotation) gets the default StorageClass, the one
// annotated storageclass.kubernetes.io/is-default-class: "true" (or the beta annotation). Should
// several be marked, the newest wins, then the first name; with none the claim stays classless.
import type { KubeObject } from '../../api/object.js';
import { claimHasClass, isDefaultStorageClass } from '../../api/storage-class.js';
import type { PersistentVolumeClaimSpec } from '../../api/types/generated.js';
import type { Registry } from '../registry/registry.js';
import { newestDefault } from '../../api/newest-default.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

export function defaultStorageClass(registry: () => Registry): AdmissionPlugin {
  return defaultStorageClassFrom(() => registry().get('storage.k8s.io', 'storageclasses').cache.list().map(e => e.object));
}

/** The plugin over any source of the current StorageClasses (the registry's cache in the server). */
export function defaultStorageClassFrom(classes: () => KubeObject[]): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    admit(a: AdmissionAttributes): void {
      if (a.operation !== 'CREATE' || a.subresource || a.resource.group !== '' || a.resource.resource !== 'persistentvolumeclaims' || !a.object) return;
      const claim = a.object as KubeObject & { spec?: PersistentVolumeClaimSpec };
      if (claimHasClass(claim)) return;
      const chosen = newestDefault(classes(), c => isDefaultStorageClass(c.metadata));
      if (chosen) (claim.spec ??= {}).storageClassName = chosen.metadata.name;
    },
  };
}
