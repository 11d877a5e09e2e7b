// pv-protection (upstream pkg/controller/volume/pvprotection): a volume deleted while bound stays
// Terminating, held by kubernetes.io/pv-protection, until it is no longer bound.
import { PV_PROTECTION_FINALIZER } from '../../api/storage-class.js';
import type { PersistentVolume } from '../../api/volume-binding.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { protectionAction, volumeInUse, withFinalizer } from './protection-plan.js';

export const pvProtectionController: Controller = {
  name: 'pv-protection',
  watches: [{ resource: R.persistentvolumes }],
  async reconcile(key, ctx) {
    const volume = ctx.informer<PersistentVolume>(R.persistentvolumes).get(key);
    if (!volume) return;
    const action = protectionAction(volume, PV_PROTECTION_FINALIZER, () => volumeInUse(volume));
    if (action) await ignoreNotFound(ctx.client.update(objectPath(R.persistentvolumes, undefined, key), withFinalizer(volume, PV_PROTECTION_FINALIZER, action)));
  },
};
