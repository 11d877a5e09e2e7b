// external-provisioner's deleting half: a Released PV with reclaim policy Delete that a driver
// served from here provisioned gets DeleteVolume, then the PV object goes. Never while a
// VolumeAttachment still names the PV (the volume is still attached to a node).
import { ignoreNotFound } from '../../client/api-errors.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ANN_PROVISIONED_BY } from '../../api/volume-binding.js';
import { ANN_DELETION_SECRET_NAME, ANN_DELETION_SECRET_NAMESPACE, PROVISIONER_FINALIZER } from './csi-names.js';
import type { DriverEndpoints } from './driver-endpoints.js';
import { secretValues } from './secrets.js';
import { servedHere } from './served-here.js';
import type { PersistentVolume, VolumeAttachment } from './types.js';

const STILL_ATTACHED_RETRY_MS = 5_000;

/**
 * The driver that should delete this PV's volume now, if any (upstream's shouldDelete): Released
 * with reclaim policy Delete, and not already deleted by hand unless our finalizer still holds it.
 */
export function deletingDriver(pv: PersistentVolume): string | undefined {
  const driver = pv.metadata.annotations?.[ANN_PROVISIONED_BY];
  const held = !pv.metadata.deletionTimestamp || (pv.metadata.finalizers ?? []).includes(PROVISIONER_FINALIZER);
  const ready = pv.status?.phase === 'Released' && pv.spec?.persistentVolumeReclaimPolicy === 'Delete' && held;
  return ready && driver && pv.spec?.csi?.driver === driver ? driver : undefined;
}

export function csiDeleterController(endpoints: DriverEndpoints): Controller {
  return {
    name: 'csi-deleter',
    watches: [
      { resource: R.persistentvolumes },
      { resource: R.volumeattachments, mapTo: o => { const pv = (o as VolumeAttachment).spec.source.persistentVolumeName; return pv ? [pv] : []; } },
    ],
    async reconcile(key, ctx) {
      const pv = ctx.informer<PersistentVolume>(R.persistentvolumes).get(key);
      const driver = pv && deletingDriver(pv);
      if (!pv || !driver || !(await servedHere(endpoints, driver, key, ctx))) return;
      const attached = ctx.informer<VolumeAttachment>(R.volumeattachments).list().find(va => va.spec.source.persistentVolumeName === key);
      if (attached) {
        ctx.log('waiting for detach before deleting volume', { pv: key, node: attached.spec.nodeName });
        ctx.requeueAfter(key, STILL_ATTACHED_RETRY_MS);
        return;
      }
      const ann = pv.metadata.annotations ?? {};
      try {
        const conn = await endpoints.connect(driver);
        const secretName = ann[ANN_DELETION_SECRET_NAME];
        const secrets = await secretValues(ctx.client, secretName ? { name: secretName, namespace: ann[ANN_DELETION_SECRET_NAMESPACE] } : undefined);
        await conn.client.controller.call('DeleteVolume', { volumeId: pv.spec!.csi!.volumeHandle, secrets });
      } catch (err) {
        ctx.recorder.event(pv, 'Warning', 'VolumeFailedDelete', (err as Error).message);
        throw err;
      }
      // The volume is gone: the finalizer has done its job, then the object goes (only this PV: a
      // PV of the same name made since is another volume).
      const path = objectPath(R.persistentvolumes, undefined, key);
      const finalizers = pv.metadata.finalizers ?? [];
      if (finalizers.includes(PROVISIONER_FINALIZER)) {
        await ignoreNotFound(ctx.client.patch(path, { metadata: { finalizers: finalizers.filter(f => f !== PROVISIONER_FINALIZER), resourceVersion: pv.metadata.resourceVersion } }));
      }
      if (!pv.metadata.deletionTimestamp) await ignoreNotFound(ctx.client.delete(path, { preconditions: { uid: pv.metadata.uid } }));
      ctx.log('deleted volume', { pv: key, driver });
    },
  };
}
