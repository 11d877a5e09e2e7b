// pvc-protection (upstream pkg/controller/volume/pvcprotection): a claim deleted while a pod uses it
// stays Terminating, held by kubernetes.io/pvc-protection, until no pod uses it; claims made before
// the admission plugin existed get the finalizer here.
import type { KubeList } from '../../api/object.js';
import { podReferences } from '../../api/pod-references.js';
import { PVC_PROTECTION_FINALIZER } from '../../api/storage-class.js';
import type { PersistentVolumeClaim } from '../../api/volume-binding.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import type { Pod } from '../workloads/types.js';
import { podUsesClaim, protectionAction, withFinalizer } from './protection-plan.js';

export const pvcProtectionController: Controller = {
  name: 'pvc-protection',
  watches: [
    { resource: R.persistentvolumeclaims },
    { resource: R.pods, mapTo: p => [...podReferences(p as Pod).persistentVolumeClaims].map(n => `${p.metadata.namespace}/${n}`) },
  ],
  async reconcile(key, ctx) {
    const claim = ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims).get(key);
    if (!claim) return;
    const cachedPods = ctx.informer<Pod>(R.pods).list();
    const action = protectionAction(claim, PVC_PROTECTION_FINALIZER, () => cachedPods.some(p => podUsesClaim(p, claim)));
    if (!action) return;
    if (action === 'remove') {
      // The cache may lag behind a pod just created: ask the API server before letting go (askAPIServer).
      const live = await ctx.client.list<Pod>(collectionPath(R.pods, claim.metadata.namespace)) as KubeList<Pod>;
      if (live.items.some(p => podUsesClaim(p, claim))) return;
    }
    await ignoreNotFound(ctx.client.update(objectPath(R.persistentvolumeclaims, claim.metadata.namespace, claim.metadata.name!), withFinalizer(claim, PVC_PROTECTION_FINALIZER, action)));
  },
};
