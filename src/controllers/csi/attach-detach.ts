// kube-controller-manager's attach-detach controller for CSI volumes, one node per key: creates the
// VolumeAttachments its pods need, reports attached volumes in the Node's status.volumesAttached,
// and once no running pod uses a volume (and the kubelet has unmounted it) takes it out of that list
// and deletes the attachment, which the driver's attacher then detaches. Plan in attach-detach-plan.ts.
import type { KubeObject } from '../../api/object.js';
import { ignoreAlreadyExists, ignoreNotFound } from '../../client/api-errors.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import { podsOnNode } from '../cluster/node-lifecycle.js';
import { podReferences } from '../../api/pod-references.js';
import { withIndex } from '../owner-index.js';
import type { Controller, ControllerContext } from '../types.js';
import { planAttachDetach, type DesiredAttachment } from './attach-detach-plan.js';
import { csiUniqueVolumeName } from '../../api/csi-volume-names.js';
import type { CSIDriver, Node, PersistentVolume, PersistentVolumeClaim, Pod, VolumeAttachment } from './types.js';

const BY_NODE = 'csi:nodeName';
const UNMOUNT_POLL_MS = 5_000;

export function attachDetachController(): Controller {
  /** When each attachment was first found unneeded (for upstream's 6-minute unmount wait). */
  const detachWanted = new Map<string, number>();
  /** The attach error last reported per attachment, so each new one becomes one Event. */
  const reportedErrors = new Map<string, string>();

  const attachmentsOn = (ctx: ControllerContext, node: string) =>
    withIndex(ctx.informer<VolumeAttachment>(R.volumeattachments), BY_NODE, o => [(o as VolumeAttachment).spec.nodeName]).byIndex(BY_NODE, node);

  /** Nodes of the pods in the claim's namespace that use it. */
  const nodesUsingClaim = (ctx: ControllerContext, namespace: string, name: string): string[] =>
    ctx.informer<Pod>(R.pods).list()
      .filter(p => p.metadata.namespace === namespace && p.spec?.nodeName && podReferences(p).persistentVolumeClaims.has(name))
      .map(p => p.spec!.nodeName!);

  function reportEvents(ctx: ControllerContext, desired: DesiredAttachment[], attachments: Map<string, VolumeAttachment>, reported: Set<string>): void {
    for (const d of desired) {
      const va = attachments.get(d.name);
      if (!va) continue;
      if (va.status?.attached && !reported.has(d.name)) {
        for (const pod of d.pods) ctx.recorder.event(pod as KubeObject, 'Normal', 'SuccessfulAttachVolume', `AttachVolume.Attach succeeded for volume "${d.pvName}"`);
      }
      const error = !va.status?.attached ? va.status?.attachError?.message : undefined;
      if (error && reportedErrors.get(d.name) !== error) {
        for (const pod of d.pods) ctx.recorder.event(pod as KubeObject, 'Warning', 'FailedAttachVolume', `AttachVolume.Attach failed for volume "${d.pvName}" : ${error}`);
      }
      if (error) reportedErrors.set(d.name, error); else reportedErrors.delete(d.name);
    }
  }

  return {
    name: 'attachdetach',
    watches: [
      { resource: R.nodes },
      { resource: R.pods, mapTo: o => ((o as Pod).spec?.nodeName ? [(o as Pod).spec!.nodeName!] : []) },
      { resource: R.volumeattachments, mapTo: o => [(o as VolumeAttachment).spec.nodeName] },
      { resource: R.persistentvolumeclaims, mapTo: (o, ctx) => nodesUsingClaim(ctx, o.metadata.namespace!, o.metadata.name!) },
      {
        resource: R.persistentvolumes,
        mapTo: (o, ctx) => {
          const ref = (o as PersistentVolume).spec?.claimRef;
          return ref?.name && ref.namespace ? nodesUsingClaim(ctx, ref.namespace, ref.name) : [];
        },
      },
      { resource: R.csidrivers, mapTo: (_o, ctx) => ctx.informer(R.nodes).list().map(n => n.metadata.name!) },
    ],
    async reconcile(nodeName, ctx) {
      const node = ctx.informer<Node>(R.nodes).get(nodeName);
      const attachments = attachmentsOn(ctx, nodeName);
      const claims = ctx.informer<PersistentVolumeClaim>(R.persistentvolumeclaims);
      const pvs = ctx.informer<PersistentVolume>(R.persistentvolumes);
      const drivers = ctx.informer<CSIDriver>(R.csidrivers);
      const now = Date.now();
      const plan = planAttachDetach({
        nodeName, node, pods: podsOnNode(ctx.informer<Pod>(R.pods), nodeName), attachments, now,
        claim: (ns, name) => claims.get(`${ns}/${name}`),
        volume: name => pvs.get(name),
        driver: name => drivers.get(name),
        detachWantedSince: name => detachWanted.get(name),
      });
      for (const name of [...plan.waitingForUnmount, ...plan.detach]) if (!detachWanted.has(name)) detachWanted.set(name, now);
      for (const name of detachWanted.keys()) if (!plan.waitingForUnmount.includes(name) && !plan.detach.includes(name)) detachWanted.delete(name);

      const byName = new Map(attachments.map(a => [a.metadata.name!, a]));
      const reported = new Set((node?.status?.volumesAttached ?? []).map(v => v.name));
      const reportedNames = new Set(plan.desired.filter(d => {
        const pv = pvs.get(d.pvName);
        return pv?.spec?.csi && reported.has(csiUniqueVolumeName(pv.spec.csi.driver, pv.spec.csi.volumeHandle));
      }).map(d => d.name));
      reportEvents(ctx, plan.desired, byName, reportedNames);

      for (const va of plan.create) await ignoreAlreadyExists(ctx.client.create(collectionPath(R.volumeattachments), va));
      // The kubelet must stop trusting an attachment before it goes: status first, then delete.
      if (plan.volumesAttached) {
        await ignoreNotFound(ctx.client.patch(objectPath(R.nodes, undefined, nodeName, 'status'), { status: { volumesAttached: plan.volumesAttached } }));
      }
      for (const name of plan.detach) {
        await ignoreNotFound(ctx.client.delete(objectPath(R.volumeattachments, undefined, name)));
        detachWanted.delete(name);
        reportedErrors.delete(name);
      }
      if (plan.waitingForUnmount.length) ctx.requeueAfter(nodeName, UNMOUNT_POLL_MS);
    },
  };
}
