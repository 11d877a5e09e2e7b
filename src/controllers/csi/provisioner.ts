// external-provisioner in the controller manager: a claim waiting for a CSI driver served from this
// machine (see driver-endpoints.ts) gets CreateVolume and a PV pre-bound to it; the PV controller
// then completes the binding. The decisions are in provision-plan.ts; this file reads the caches,
// calls the driver, writes the PV and reports Events as upstream.
import { randomInt } from 'node:crypto';
import { ignoreAlreadyExists } from '../../client/api-errors.js';
import { isCsiError } from '../../client/csi/client.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { resolveSecretRef, type SecretKind, splitClassParameters } from './class-parameters.js';
import { ANN_BETA_STORAGE_PROVISIONER, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER } from '../../api/volume-binding.js';
import { provisionedVolumeName } from './csi-names.js';
import type { DriverEndpoints } from './driver-endpoints.js';
import {
  accessibilityRequirements, claimWantsDriver, createVolumeRequest, provisionDecision, provisionedPersistentVolume,
  provisioningFailureState,
} from './provision-plan.js';
import { secretValues } from './secrets.js';
import { servedHere } from './served-here.js';
import type { CSINode, Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';
import type { SecretReference } from '../../api/types/generated.js';

export function csiProvisionerController(endpoints: DriverEndpoints): Controller {
  // Upstream's provisioner identity: start time, a random number and the driver's name.
  const started = Date.now();
  const identities = new Map<string, string>();
  const identity = (driver: string) => {
    if (!identities.has(driver)) identities.set(driver, `${started}-${randomInt(10000)}-${driver}`);
    return identities.get(driver)!;
  };

  /** Everything CreateVolume needs, read before the driver is asked. */
  async function prepare(claim: PersistentVolumeClaim, cls: StorageClass, driver: string, selectedNode: string | undefined, ctx: ControllerContext) {
    const params = splitClassParameters(cls.parameters);
    const conn = await endpoints.connect(driver);
    if (!conn.controller.has('CREATE_DELETE_VOLUME')) throw new Error(`driver ${driver} does not support dynamic provisioning: it has no CREATE_DELETE_VOLUME capability`);
    const tctx = {
      pvName: provisionedVolumeName(claim.metadata.uid!), claimNamespace: claim.metadata.namespace!, claimName: claim.metadata.name!,
      claimAnnotations: claim.metadata.annotations ?? {},
    };
    const secretRefs: Partial<Record<SecretKind, SecretReference>> = {};
    for (const [kind, tpl] of Object.entries(params.secretTemplates) as [SecretKind, { name: string; namespace: string }][]) {
      secretRefs[kind] = resolveSecretRef(kind, tpl, tctx);
    }
    const topology = conn.plugin.has('VOLUME_ACCESSIBILITY_CONSTRAINTS') ? accessibilityRequirements(driver, nodesWithCsi(ctx), selectedNode, cls.allowedTopologies) : undefined;
    const request = createVolumeRequest({
      claim, params, mountOptions: cls.mountOptions, singleNodeMultiWriter: conn.controller.has('SINGLE_NODE_MULTI_WRITER'), topology,
      secrets: await secretValues(ctx.client, secretRefs.provisioner),
    });
    return { params, conn, secretRefs, request };
  }

  async function provision(claim: PersistentVolumeClaim, cls: StorageClass, driver: string, selectedNode: string | undefined, ctx: ControllerContext): Promise<void> {
    const ns = claim.metadata.namespace!;
    const name = claim.metadata.name!;
    const pvName = provisionedVolumeName(claim.metadata.uid!);
    ctx.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${name}"`);
    const failed = (message: string) => ctx.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name}": ${message}`);
    let prepared;
    try {
      prepared = await prepare(claim, cls, driver, selectedNode, ctx);
    } catch (err) {
      failed((err as Error).message);
      throw err;
    }
    const { params, conn, secretRefs, request } = prepared;
    let volume;
    try {
      volume = (await conn.client.controller.call('CreateVolume', request)).volume;
      if (!volume) throw new Error('CreateVolume returned no volume');
    } catch (err) {
      failed((err as Error).message);
      const state = provisioningFailureState(isCsiError(err) ? err.code : undefined, conn.plugin.has('VOLUME_ACCESSIBILITY_CONSTRAINTS') && selectedNode !== undefined);
      if (state === 'reschedule') {
        // Give the scheduler the choice of node back: another node may have room.
        await ctx.client.patch(objectPath(R.persistentvolumeclaims, ns, name), { metadata: { annotations: { [ANN_SELECTED_NODE]: null } } });
        ctx.log('provisioning failed, node selection removed', { claim: `${ns}/${name}`, node: selectedNode });
        return;
      }
      throw err;
    }
    const pv = provisionedPersistentVolume({ claim, cls, driver, identity: identity(driver), volume, params, secretRefs });
    // CreateVolume is idempotent by name: a PV left by an earlier attempt is the same volume.
    await ignoreAlreadyExists(ctx.client.create(collectionPath(R.persistentvolumes), pv));
    ctx.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  }

  return {
    name: 'csi-provisioner',
    watches: [
      { resource: R.persistentvolumeclaims },
      // A class or a node's topology arriving later may unblock a claim: retry those waiting.
      { resource: R.storageclasses, mapTo: (o, ctx) => waitingClaims(ctx).filter(c => c.spec?.storageClassName === o.metadata.name).map(claimKey) },
    ],
    async reconcile(key, ctx) {
      const claim = ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims).get(key);
      if (!claim) return;
      const ann = claim.metadata.annotations ?? {};
      const driver = ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER];
      if (!driver || !claimWantsDriver(claim, driver)) return;
      const className = claim.spec?.storageClassName ?? '';
      const cls = ctx.informer<StorageClass>(R.storageclasses).get(className);
      const decision = provisionDecision(claim, cls, driver);
      if (decision.action === 'ignore' || !(await servedHere(endpoints, driver, key, ctx))) return;
      if (!cls) {
        ctx.recorder.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
        return;
      }
      // Already provisioned (an earlier attempt, or the informer has not caught up with the binding).
      const pv = ctx.informer<PersistentVolume>(R.persistentvolumes).get(provisionedVolumeName(claim.metadata.uid!));
      if (pv) return;
      await provision(claim, cls, driver, decision.selectedNode, ctx);
    },
  };
}

const claimKey = (c: PersistentVolumeClaim) => `${c.metadata.namespace}/${c.metadata.name}`;

function waitingClaims(ctx: ControllerContext): PersistentVolumeClaim[] {
  return ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims).list().filter(c => !c.spec?.volumeName);
}

function nodesWithCsi(ctx: ControllerContext): { node: Node; csiNode?: CSINode }[] {
  const csiNodes = ctx.informer<CSINode>(R.csinodes);
  return ctx.informer<Node>(R.nodes).list().map(node => ({ node, csiNode: csiNodes.get(node.metadata.name!) }));
}
