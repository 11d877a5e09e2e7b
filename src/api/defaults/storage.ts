// Defaults for storage.k8s.io/v1 (pkg/apis/storage/v1/defaults.go).
import type { Defaulter } from './types.js';

export const storageDefaults: Record<string, Defaulter> = {
  StorageClass(o) {
    o.reclaimPolicy ??= 'Delete';
    o.volumeBindingMode ??= 'Immediate';
  },
  CSIDriver(o) {
    const spec = (o.spec ??= {});
    spec.attachRequired ??= true;
    spec.podInfoOnMount ??= false;
    spec.storageCapacity ??= false;
    spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
    if (!spec.volumeLifecycleModes?.length) spec.volumeLifecycleModes = ['Persistent'];
    spec.requiresRepublish ??= false;
    spec.seLinuxMount ??= false;
  },
};
