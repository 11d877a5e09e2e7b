// external-attacher in the controller manager: VolumeAttachments of a driver served from here get
// ControllerPublishVolume (status.attached, attachmentMetadata, or attachError) and, once deleted,
// ControllerUnpublishVolume (detachError until it succeeds) before the finalizer lets them go. A
// driver without PUBLISH_UNPUBLISH_VOLUME needs no controller step: its attachments are marked
// attached at once (upstream's trivial handler). Decisions in attacher-plan.ts.
import { nowTimestamp } from '../../api/object.js';
import type { VolumeAttachmentStatus } from '../../api/types/generated.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { csiNodeId, csiSourceOf, planAttacher } from './attacher-plan.js';
import { attacherFinalizer } from './csi-names.js';
import type { DriverConnection, DriverEndpoints } from './driver-endpoints.js';
import { secretValues } from './secrets.js';
import { servedHere } from './served-here.js';
import type { CSINode, PersistentVolume, VolumeAttachment } from './types.js';
import { volumeCapability } from './volume-capability.js';

/** The driver's node id as recorded at attach time, for detaching after the CSINode is gone. */
const ANN_NODE_ID = 'csi.alpha.kubernetes.io/node-id';

export function csiAttacherController(endpoints: DriverEndpoints): Controller {
  const vaPath = (name: string, sub?: string) => objectPath(R.volumeattachments, undefined, name, sub);
  const pvPath = (name: string) => objectPath(R.persistentvolumes, undefined, name);

  async function setFinalizers(ctx: ControllerContext, path: string, obj: VolumeAttachment | PersistentVolume, finalizers: string[], annotations?: Record<string, string>): Promise<void> {
    await ctx.client.patch(path, { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion, ...(annotations ? { annotations } : {}) } });
  }

  async function writeStatus(ctx: ControllerContext, va: VolumeAttachment, status: VolumeAttachmentStatus): Promise<void> {
    await ctx.client.update(vaPath(va.metadata.name!, 'status'), { ...va, status });
  }

  /** The PV keeps the attacher's finalizer while any attachment of it exists. */
  async function ensurePvFinalizer(ctx: ControllerContext, pv: PersistentVolume, driver: string): Promise<void> {
    const f = attacherFinalizer(driver);
    const list = pv.metadata.finalizers ?? [];
    if (!list.includes(f)) await setFinalizers(ctx, pvPath(pv.metadata.name!), pv, [...list, f]);
  }

  async function releasePv(ctx: ControllerContext, pvName: string, driver: string, except: string): Promise<void> {
    const others = ctx.informer<VolumeAttachment>(R.volumeattachments).list()
      .some(va => va.metadata.name !== except && va.spec.attacher === driver && va.spec.source.persistentVolumeName === pvName);
    const pv = ctx.informer<PersistentVolume>(R.persistentvolumes).get(pvName);
    const f = attacherFinalizer(driver);
    if (others || !pv?.metadata.finalizers?.includes(f)) return;
    await ignoreNotFound(setFinalizers(ctx, pvPath(pvName), pv, pv.metadata.finalizers.filter(x => x !== f)));
  }

  async function attach(ctx: ControllerContext, va: VolumeAttachment, pvName: string, conn: DriverConnection): Promise<void> {
    const driver = conn.driver;
    if (!conn.controller.has('PUBLISH_UNPUBLISH_VOLUME')) {
      await writeStatus(ctx, va, { attached: true });
      return;
    }
    const pv = ctx.informer<PersistentVolume>(R.persistentvolumes).get(pvName);
    const nodeName = va.spec.nodeName;
    try {
      const csi = csiSourceOf(pv, pvName, driver);
      const nodeId = csiNodeId(ctx.informer<CSINode>(R.csinodes).get(nodeName), nodeName, driver);
      await ensurePvFinalizer(ctx, pv!, driver);
      if (va.metadata.annotations?.[ANN_NODE_ID] !== nodeId) {
        await ctx.client.patch(vaPath(va.metadata.name!), { metadata: { annotations: { [ANN_NODE_ID]: nodeId } } });
      }
      const res = await conn.client.controller.call('ControllerPublishVolume', {
        volumeId: csi.volumeHandle, nodeId, readonly: csi.readOnly ?? false,
        volumeCapability: volumeCapability(pv!.spec?.accessModes ?? [], {
          block: pv!.spec?.volumeMode === 'Block', fsType: csi.fsType, mountFlags: pv!.spec?.mountOptions,
          singleNodeMultiWriter: conn.controller.has('SINGLE_NODE_MULTI_WRITER'),
        }),
        secrets: await secretValues(ctx.client, csi.controllerPublishSecretRef),
        volumeContext: csi.volumeAttributes ?? {},
      });
      const latest = await ctx.client.get<VolumeAttachment>(vaPath(va.metadata.name!));
      await writeStatus(ctx, latest, { attached: true, attachmentMetadata: res.publishContext });
    } catch (err) {
      const latest = await ignoreNotFound(ctx.client.get<VolumeAttachment>(vaPath(va.metadata.name!)));
      if (latest) await writeStatus(ctx, latest, { attached: false, attachError: { time: nowTimestamp(), message: (err as Error).message } });
      throw err;
    }
  }

  async function detach(ctx: ControllerContext, va: VolumeAttachment, pvName: string | undefined, conn: DriverConnection): Promise<void> {
    if (conn.controller.has('PUBLISH_UNPUBLISH_VOLUME')) {
      try {
        const pv = pvName ? ctx.informer<PersistentVolume>(R.persistentvolumes).get(pvName) : undefined;
        const csi = csiSourceOf(pv, pvName ?? '', conn.driver);
        const nodeId = va.metadata.annotations?.[ANN_NODE_ID]
          ?? csiNodeId(ctx.informer<CSINode>(R.csinodes).get(va.spec.nodeName), va.spec.nodeName, conn.driver);
        await conn.client.controller.call('ControllerUnpublishVolume', {
          volumeId: csi.volumeHandle, nodeId, secrets: await secretValues(ctx.client, csi.controllerPublishSecretRef),
        });
      } catch (err) {
        await writeStatus(ctx, va, { ...va.status, attached: true, detachError: { time: nowTimestamp(), message: (err as Error).message } });
        throw err;
      }
    }
    await removeFinalizer(ctx, va, conn.driver);
  }

  async function removeFinalizer(ctx: ControllerContext, va: VolumeAttachment, driver: string): Promise<void> {
    const f = attacherFinalizer(driver);
    await ignoreNotFound(setFinalizers(ctx, vaPath(va.metadata.name!), va, (va.metadata.finalizers ?? []).filter(x => x !== f)));
    const pvName = va.spec.source.persistentVolumeName;
    if (pvName) await releasePv(ctx, pvName, driver, va.metadata.name!);
  }

  /** A driver that does not answer is an attach (or detach) error like any other. */
  async function connectOrRecord(ctx: ControllerContext, va: VolumeAttachment, field: 'attachError' | 'detachError'): Promise<DriverConnection> {
    try {
      return await endpoints.connect(va.spec.attacher);
    } catch (err) {
      await writeStatus(ctx, va, { attached: va.status?.attached ?? false, ...va.status, [field]: { time: nowTimestamp(), message: (err as Error).message } });
      throw err;
    }
  }

  return {
    name: 'csi-attacher',
    watches: [{ resource: R.volumeattachments }],
    async reconcile(key, ctx) {
      const va = ctx.informer<VolumeAttachment>(R.volumeattachments).get(key);
      if (!va) return;
      const step = planAttacher(va, va.spec.attacher);
      if (step.action === 'none' || !(await servedHere(endpoints, va.spec.attacher, key, ctx))) return;
      switch (step.action) {
        case 'addFinalizer':
          await setFinalizers(ctx, vaPath(key), va, [...va.metadata.finalizers ?? [], attacherFinalizer(va.spec.attacher)]);
          return;
        case 'removeFinalizer':
          await removeFinalizer(ctx, va, va.spec.attacher);
          return;
        case 'attach':
          await attach(ctx, va, step.pvName, await connectOrRecord(ctx, va, 'attachError'));
          return;
        case 'detach':
          await detach(ctx, va, step.pvName, await connectOrRecord(ctx, va, 'detachError'));
      }
    },
  };
}
