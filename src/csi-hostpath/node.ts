// The CSI Node service of the hostpath driver. Staging bind-mounts the volume's directory at the
// kubelet's global staging path; publishing bind-mounts the staging path (read-only if asked) at
// the pod's target path. CSI inline ephemeral volumes (volume_context csi.storage.k8s.io/ephemeral)
// are created at publish and deleted at unpublish. Every call is idempotent, as the spec requires.
import { existsSync, mkdirSync, rmdirSync, rmSync, statfsSync } from 'node:fs';
import { milliValue, parseQuantity } from '../api/quantity.js';
import type { NodeHandlers } from '../client/csi/types.js';
import { isMountPoint } from '../util/mountinfo.js';
import { checkCapabilities, EPHEMERAL_CONTEXT_KEY, NODE_CAPABILITIES, readOnlyMode, TOPOLOGY_KEY } from './capabilities.js';
import type { DriverContext } from './context.js';
import { chooseCapacity, ensureFree } from './controller.js';
import { diskUsage } from './disk-usage.js';
import { alreadyExists, failedPrecondition, invalidArgument, notFound, outOfRange, required, unary } from './errors.js';
import { bindMount, unmount } from './mounter.js';
import type { HostPathVolume } from './volume-store.js';

/** The size of an inline ephemeral volume: its `size` attribute (a quantity), else the default. */
function ephemeralCapacity(context: Record<string, string>, maxBytes: number): number {
  if (!context.size) return chooseCapacity(null, maxBytes);
  let bytes: number;
  try {
    bytes = Number(milliValue(parseQuantity(context.size)) / 1000n);
  } catch {
    throw invalidArgument(`invalid size attribute ${JSON.stringify(context.size)}: must be a quantity such as 1Gi`);
  }
  return chooseCapacity({ requiredBytes: bytes, limitBytes: 0 }, maxBytes);
}

export function nodeService(ctx: DriverContext): NodeHandlers {
  const { store } = ctx;
  const locked = <T>(fn: () => Promise<T>) => ctx.lock.run(fn);

  const createEphemeral = (id: string, context: Record<string, string>): HostPathVolume => {
    const capacity = ephemeralCapacity(context, ctx.maxVolumeSizeBytes);
    ensureFree(ctx, capacity);
    const path = store.volumeDir(id);
    mkdirSync(path, { recursive: true, mode: 0o777 });
    const v: HostPathVolume = { id, name: id, capacityBytes: capacity, path, ephemeral: true, volumeContext: context, attachedTo: [], stagedAt: [], publishedAt: [] };
    store.put(v);
    ctx.log('ephemeral volume created', { id, capacityBytes: capacity });
    return v;
  };

  /** The volume a stats or expand request names, refused with NOT_FOUND when it or its path is unknown. */
  const volumeAtPath = (req: { volumeId: string; volumePath: string }): HostPathVolume => {
    const id = required(req.volumeId, 'volume id');
    const path = required(req.volumePath, 'volume path');
    const v = store.get(id);
    if (!v) throw notFound(`volume ${id} not found`);
    if (!existsSync(path)) throw notFound(`volume path ${path} not found`);
    return v;
  };

  return {
    NodeStageVolume: unary('NodeStageVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const staging = required(req.stagingTargetPath, 'staging target path');
      checkCapabilities([required(req.volumeCapability, 'volume capability')]);
      const v = store.get(id);
      if (!v) throw notFound(`volume ${id} not found`);
      if (ctx.enableAttach && !v.attachedTo.includes(ctx.nodeId)) throw failedPrecondition(`volume ${id} must be controller-published to node ${ctx.nodeId} before it is staged`);
      mkdirSync(staging, { recursive: true });
      if (!isMountPoint(staging)) await bindMount(v.path, staging, false);
      if (!v.stagedAt.includes(staging)) store.put({ ...v, stagedAt: [...v.stagedAt, staging] });
      return {};
    })),

    NodeUnstageVolume: unary('NodeUnstageVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const staging = required(req.stagingTargetPath, 'staging target path');
      await unmount(staging);
      const v = store.get(id);
      if (v?.stagedAt.includes(staging)) store.put({ ...v, stagedAt: v.stagedAt.filter(p => p !== staging) });
      return {};
    })),

    NodePublishVolume: unary('NodePublishVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const target = required(req.targetPath, 'target path');
      const cap = required(req.volumeCapability, 'volume capability');
      checkCapabilities([cap]);
      const ephemeral = req.volumeContext[EPHEMERAL_CONTEXT_KEY] === 'true';
      const v = store.get(id) ?? (ephemeral ? createEphemeral(id, req.volumeContext) : undefined);
      if (!v) throw notFound(`volume ${id} not found`);
      let source = v.path;
      if (!v.ephemeral) {
        // STAGE_UNSTAGE_VOLUME is advertised: a persistent volume is published from its staging path.
        const staging = required(req.stagingTargetPath, 'staging target path');
        if (!v.stagedAt.includes(staging) || !isMountPoint(staging)) throw failedPrecondition(`volume ${id} is not staged at ${staging}`);
        source = staging;
      }
      const readOnly = req.readonly || readOnlyMode(cap);
      const existing = v.publishedAt.find(p => p.targetPath === target);
      if (isMountPoint(target)) {
        if (existing && existing.readOnly === readOnly) return {};
        throw alreadyExists(`target path ${target} is already mounted${existing ? ` ${existing.readOnly ? 'read-only' : 'read-write'}` : ' by something else'}`);
      }
      mkdirSync(target, { recursive: true });
      await bindMount(source, target, readOnly);
      store.put({ ...v, publishedAt: [...v.publishedAt.filter(p => p.targetPath !== target), { targetPath: target, readOnly }] });
      return {};
    })),

    NodeUnpublishVolume: unary('NodeUnpublishVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const target = required(req.targetPath, 'target path');
      await unmount(target);
      // The target is ours to remove (the spec); rmdir, never a recursive delete: it could hold data
      // if something else were still mounted there.
      try {
        rmdirSync(target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const v = store.get(id);
      if (!v) return {};
      const rest = v.publishedAt.filter(p => p.targetPath !== target);
      if (v.ephemeral && rest.length === 0) {
        rmSync(v.path, { recursive: true, force: true });
        store.delete(id);
        ctx.log('ephemeral volume deleted', { id });
      } else if (rest.length !== v.publishedAt.length) {
        store.put({ ...v, publishedAt: rest });
      }
      return {};
    })),

    NodeGetVolumeStats: unary('NodeGetVolumeStats', ctx.log, async req => {
      const v = volumeAtPath(req);
      const used = diskUsage(v.path);
      const fs = statfsSync(v.path);
      return {
        usage: [
          { unit: 'BYTES', total: v.capacityBytes, used: used.bytes, available: Math.max(0, v.capacityBytes - used.bytes) },
          { unit: 'INODES', total: fs.files, used: used.inodes, available: fs.ffree },
        ],
      };
    }),

    NodeExpandVolume: unary('NodeExpandVolume', ctx.log, async req => {
      const v = volumeAtPath(req);
      // A directory has no filesystem of its own to grow: the controller's new capacity is all.
      const wanted = req.capacityRange?.requiredBytes ?? 0;
      if (wanted > v.capacityBytes) throw outOfRange(`volume ${v.id} has ${v.capacityBytes} bytes; ControllerExpandVolume must grow it to ${wanted} first`);
      return { capacityBytes: v.capacityBytes };
    }),

    NodeGetCapabilities: unary('NodeGetCapabilities', ctx.log, async () => ({
      capabilities: NODE_CAPABILITIES.map(type => ({ rpc: { type } })),
    })),

    NodeGetInfo: unary('NodeGetInfo', ctx.log, async () => ({
      nodeId: ctx.nodeId,
      maxVolumesPerNode: ctx.maxVolumesPerNode,
      accessibleTopology: { segments: { [TOPOLOGY_KEY]: ctx.nodeId } },
    })),
  };
}
