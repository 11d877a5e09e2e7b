// ephemeral-volume (upstream pkg/controller/volume/ephemeral): for each `ephemeral` volume of a pod,
// the claim `<pod>-<volume>` from its volumeClaimTemplate, controlled by the pod so that it goes
// with it. A same-named claim the pod does not own is refused with a FailedBinding Event.
import { isConflict } from '../../api/errors.js';
import type { PersistentVolumeClaim } from '../../api/volume-binding.js';
import { collectionPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import type { Pod } from '../workloads/types.js';
import { ephemeralClaimsToCreate } from './ephemeral-volume-plan.js';
import { errorMessage } from '../../util/error-message.js';

export const ephemeralVolumeController: Controller = {
  name: 'ephemeral-volume',
  watches: [
    { resource: R.pods },
    // A claim of a pod that went away (or was deleted by hand) brings its pod back to the queue.
    { resource: R.persistentvolumeclaims, mapTo: c => (c.metadata.ownerReferences ?? []).filter(r => r.controller && r.kind === 'Pod').map(r => `${c.metadata.namespace}/${r.name}`) },
  ],
  async reconcile(key, ctx) {
    const pod = ctx.informer<Pod>(R.pods).get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const claims = ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims);
    const plan = ephemeralClaimsToCreate(pod, name => claims.get(`${pod.metadata.namespace}/${name}`));
    for (const { volume, claim, error } of plan) {
      try {
        if (error) throw new Error(error);
        await ctx.client.create(collectionPath(R.persistentvolumeclaims, pod.metadata.namespace), claim);
      } catch (err) {
        // Our cache has not seen a claim created a moment ago: its event brings the pod back.
        if (isConflict(err)) continue;
        const why = errorMessage(err);
        const message = error ?? `create PVC ${claim?.metadata.name}: ${why}`;
        ctx.recorder.event(pod, 'Warning', 'FailedBinding', `ephemeral volume ${volume}: ${message}`);
        throw err;
      }
    }
  },
};
