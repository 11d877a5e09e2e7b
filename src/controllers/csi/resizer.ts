// external-resizer in the controller manager: a bound claim on a CSI PV of a driver served from
// here that asks for more than its capacity gets ControllerExpandVolume, the PV's new capacity, and
// the claim's status through Resizing to either done or FileSystemResizePending (the kubelet then
// calls NodeExpandVolume and finishes). A driver that can only grow on the node (VolumeExpansion
// plugin capability, no EXPAND_VOLUME) goes straight to FileSystemResizePending, as upstream's
// trivial resizer. Decisions in resize-plan.ts.
import type { PersistentVolumeClaimStatus } from '../../api/types/generated.js';
import { isCsiError } from '../../client/csi/client.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import type { DriverConnection, DriverEndpoints } from './driver-endpoints.js';
import { bytesQuantity } from './provision-plan.js';
import {
  type ClaimStatusPatch, nodeResizePendingStatus, planResize, resizeFinishedStatus, resizeInfeasibleStatus, resizeStartedStatus,
} from './resize-plan.js';
import { parseQuantity, scaledValue } from '../../api/quantity.js';
import { secretValues } from './secrets.js';
import { servedHere } from './served-here.js';
import type { PersistentVolume, PersistentVolumeClaim } from './types.js';
import { volumeCapability } from './volume-capability.js';

/** gRPC codes after which upstream stops treating the expansion as in progress. */
const INFEASIBLE = new Set([3 /* InvalidArgument */, 11 /* OutOfRange */, 5 /* NotFound */]);

/** The claim's status with a patch applied (null removes a field). */
function patched(claim: PersistentVolumeClaim, patch: ClaimStatusPatch): PersistentVolumeClaimStatus {
  const status: Record<string, unknown> = { ...claim.status };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined) delete status[k];
    else status[k] = v;
  }
  return status as PersistentVolumeClaimStatus;
}

export function csiResizerController(endpoints: DriverEndpoints): Controller {
  const claimStatusPath = (c: PersistentVolumeClaim) => objectPath(R.persistentvolumeclaims, c.metadata.namespace, c.metadata.name!, 'status');

  async function writeClaim(ctx: ControllerContext, claim: PersistentVolumeClaim, patch: ClaimStatusPatch): Promise<PersistentVolumeClaim> {
    return ctx.client.update<PersistentVolumeClaim>(claimStatusPath(claim), { ...claim, status: patched(claim, patch) });
  }

  /** Whether this driver can grow volumes at all, and where. */
  const canExpand = (conn: DriverConnection) => conn.controller.has('EXPAND_VOLUME') || conn.volumeExpansion !== undefined;

  async function expand(ctx: ControllerContext, claim: PersistentVolumeClaim, pv: PersistentVolume, requested: string | number, conn: DriverConnection): Promise<void> {
    const pvName = pv.metadata.name!;
    let current = await writeClaim(ctx, claim, resizeStartedStatus(claim, requested));
    ctx.recorder.event(current, 'Normal', 'Resizing', `External resizer is resizing volume ${pvName}`);
    let size: string | number = requested;
    let nodeExpansionRequired = true;
    if (conn.controller.has('EXPAND_VOLUME')) {
      const csi = pv.spec!.csi!;
      try {
        const res = await conn.client.controller.call('ControllerExpandVolume', {
          volumeId: csi.volumeHandle,
          capacityRange: { requiredBytes: Number(scaledValue(parseQuantity(requested))) },
          secrets: await secretValues(ctx.client, csi.controllerExpandSecretRef),
          volumeCapability: volumeCapability(pv.spec?.accessModes ?? [], { block: pv.spec?.volumeMode === 'Block', fsType: csi.fsType, mountFlags: pv.spec?.mountOptions }),
        });
        if (res.capacityBytes > 0) size = bytesQuantity(res.capacityBytes);
        nodeExpansionRequired = res.nodeExpansionRequired;
      } catch (err) {
        ctx.recorder.event(current, 'Warning', 'VolumeResizeFailed', `resize volume "${pvName}" by resizer "${conn.driver}" failed: ${(err as Error).message}`);
        if (isCsiError(err) && INFEASIBLE.has(err.code)) await writeClaim(ctx, current, resizeInfeasibleStatus(current));
        throw err;
      }
    }
    await ctx.client.patch(objectPath(R.persistentvolumes, undefined, pvName), { spec: { capacity: { storage: size } } });
    // A block volume has no filesystem to grow on the node.
    if (nodeExpansionRequired && pv.spec?.volumeMode !== 'Block') {
      current = await writeClaim(ctx, current, nodeResizePendingStatus(current));
      ctx.recorder.event(current, 'Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node');
      return;
    }
    current = await writeClaim(ctx, current, resizeFinishedStatus(current, size));
    ctx.recorder.event(current, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
  }

  return {
    name: 'csi-resizer',
    watches: [
      { resource: R.persistentvolumeclaims },
      { resource: R.persistentvolumes, mapTo: o => { const ref = (o as PersistentVolume).spec?.claimRef; return ref?.name ? [`${ref.namespace}/${ref.name}`] : []; } },
    ],
    async reconcile(key, ctx) {
      const claim = ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims).get(key);
      const pvName = claim?.spec?.volumeName;
      const pv = pvName ? ctx.informer<PersistentVolume>(R.persistentvolumes).get(pvName) : undefined;
      const driver = pv?.spec?.csi?.driver;
      if (!claim || !pv || !driver) return;
      const step = planResize(claim, pv, driver);
      if (step.action === 'none' || !(await servedHere(endpoints, driver, key, ctx))) return;
      let conn: DriverConnection;
      try {
        conn = await endpoints.connect(driver);
      } catch (err) {
        ctx.recorder.event(claim, 'Warning', 'VolumeResizeFailed', `resize volume "${pv.metadata.name}" by resizer "${driver}" failed: ${(err as Error).message}`);
        throw err;
      }
      if (!canExpand(conn)) return;
      await expand(ctx, claim, pv, step.requested, conn);
    },
  };
}
