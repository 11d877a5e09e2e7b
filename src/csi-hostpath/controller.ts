// The CSI Controller service of the hostpath driver: volumes are directories under its data dir,
// with a capacity kept in its books (the directory is not a filesystem of that size; stats report
// usage against it). Every volume is accessible on this driver's node only, which CreateVolume
// says through accessible_topology. Refusals use the codes the CSI spec gives for each case.
import { rmSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ControllerHandlers, TopologyRequirement__Output } from '../client/csi/types.js';
import { checkCapabilities, controllerCapabilities, TOPOLOGY_KEY, unsupportedCapability } from './capabilities.js';
import type { DriverContext } from './context.js';
import { aborted, alreadyExists, failedPrecondition, invalidArgument, notFound, outOfRange, required, resourceExhausted, unary } from './errors.js';
import type { HostPathVolume } from './volume-store.js';

/** Without a capacity range, as upstream's hostpath driver: 1 GiB. */
export const DEFAULT_VOLUME_BYTES = 1024 ** 3;

interface CapacityRange { requiredBytes: number; limitBytes: number }

/** The size to give a volume for a capacity range: the required bytes (or the default, within the limit). */
export function chooseCapacity(range: CapacityRange | null, maxBytes: number): number {
  const req = range?.requiredBytes ?? 0;
  const limit = range?.limitBytes ?? 0;
  if (req < 0 || limit < 0) throw invalidArgument('capacity range must not be negative');
  if (limit && req > limit) throw invalidArgument(`required bytes ${req} exceed limit bytes ${limit}`);
  const size = req || (limit ? Math.min(limit, DEFAULT_VOLUME_BYTES) : DEFAULT_VOLUME_BYTES);
  if (size > maxBytes) throw outOfRange(`requested capacity ${size} exceeds the maximum volume size ${maxBytes}`);
  return size;
}

/** Whether this node is allowed by a topology requirement (requisite, else preferred, else anything). */
export function topologyAllows(req: TopologyRequirement__Output | null, nodeId: string): boolean {
  const terms = req?.requisite?.length ? req.requisite : [];
  if (terms.length === 0) return true;
  return terms.some(t => Object.entries(t.segments).every(([k, v]) => k === TOPOLOGY_KEY && v === nodeId));
}

/**
 * The Controller handlers. RPCs the driver does not offer (snapshots, ControllerGetVolume,
 * ControllerModifyVolume; ControllerPublish/Unpublish without attach) are left out, and gRPC answers
 * them UNIMPLEMENTED, as the spec asks of a plugin without the capability.
 */
/** Refuses, with RESOURCE_EXHAUSTED, a new volume of `bytes` that the remaining capacity cannot hold. */
export function ensureFree(ctx: DriverContext, bytes: number): void {
  const free = ctx.capacityBytes - ctx.store.allocatedBytes();
  if (bytes > free) throw resourceExhausted(`not enough capacity: ${bytes} bytes requested, ${Math.max(0, free)} free`);
}

export function controllerService(ctx: DriverContext): Partial<ControllerHandlers> {
  const { store } = ctx;
  const locked = <T>(fn: () => Promise<T>) => ctx.lock.run(fn);
  const volumeOf = (v: HostPathVolume) => ({
    volumeId: v.id, capacityBytes: v.capacityBytes, volumeContext: v.volumeContext,
    accessibleTopology: [{ segments: { [TOPOLOGY_KEY]: ctx.nodeId } }],
  });

  const handlers: Partial<ControllerHandlers> = {
    CreateVolume: unary('CreateVolume', ctx.log, req => locked(async () => {
      const name = required(req.name, 'name');
      checkCapabilities(req.volumeCapabilities);
      if (req.volumeContentSource) throw invalidArgument('volume content source (snapshots, clones) is not supported');
      const capacity = chooseCapacity(req.capacityRange, ctx.maxVolumeSizeBytes);
      const existing = store.byName(name);
      if (existing) {
        // Idempotent: the same request again gets the same volume.
        const limit = req.capacityRange?.limitBytes ?? 0;
        if (existing.capacityBytes < capacity || (limit && existing.capacityBytes > limit)) {
          throw alreadyExists(`volume ${name} exists with capacity ${existing.capacityBytes}, incompatible with the requested range`);
        }
        return { volume: volumeOf(existing) };
      }
      if (!topologyAllows(req.accessibilityRequirements, ctx.nodeId)) {
        throw resourceExhausted(`volume can only be created on node ${ctx.nodeId} (${TOPOLOGY_KEY}), which the requisite topology excludes`);
      }
      ensureFree(ctx, capacity);
      const id = randomUUID();
      const path = store.volumeDir(id);
      mkdirSync(path, { recursive: true, mode: 0o777 });
      const volume: HostPathVolume = {
        id, name, capacityBytes: capacity, path, ephemeral: false, volumeContext: { ...req.parameters },
        attachedTo: [], stagedAt: [], publishedAt: [],
      };
      store.put(volume);
      ctx.log('volume created', { id, name, capacityBytes: capacity });
      return { volume: volumeOf(volume) };
    })),

    DeleteVolume: unary('DeleteVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const v = store.get(id);
      if (!v) return {};
      if (v.attachedTo.length || v.stagedAt.length || v.publishedAt.length) {
        throw failedPrecondition(`volume ${id} is still in use (attached to [${v.attachedTo.join(', ')}], staged ${v.stagedAt.length}, published ${v.publishedAt.length})`);
      }
      rmSync(v.path, { recursive: true, force: true });
      store.delete(id);
      ctx.log('volume deleted', { id, name: v.name });
      return {};
    })),

    ControllerPublishVolume: unary('ControllerPublishVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const node = required(req.nodeId, 'node id');
      const cap = required(req.volumeCapability, 'volume capability');
      checkCapabilities([cap]);
      const v = store.get(id);
      if (!v) throw notFound(`volume ${id} not found`);
      if (node !== ctx.nodeId) throw notFound(`node ${node} not found: volume ${id} is on node ${ctx.nodeId}`);
      if (!v.attachedTo.includes(node)) store.put({ ...v, attachedTo: [...v.attachedTo, node] });
      return { publishContext: {} };
    })),

    ControllerUnpublishVolume: unary('ControllerUnpublishVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const v = store.get(id);
      // Not found: it is not published anywhere, which is what was asked.
      if (v) store.put({ ...v, attachedTo: req.nodeId ? v.attachedTo.filter(n => n !== req.nodeId) : [] });
      return {};
    })),

    ValidateVolumeCapabilities: unary('ValidateVolumeCapabilities', ctx.log, async req => {
      const id = required(req.volumeId, 'volume id');
      if (req.volumeCapabilities.length === 0) throw invalidArgument('volume capabilities missing in request');
      if (!store.get(id)) throw notFound(`volume ${id} not found`);
      const why = req.volumeCapabilities.map(unsupportedCapability).find(Boolean);
      if (why) return { message: why };
      return { confirmed: { volumeContext: req.volumeContext, volumeCapabilities: req.volumeCapabilities, parameters: req.parameters } };
    }),

    ListVolumes: unary('ListVolumes', ctx.log, async req => {
      const all = store.list();
      let start = 0;
      if (req.startingToken) {
        // A token is the id of the last volume of the previous page.
        if (!/^[0-9a-f-]+$/.test(req.startingToken)) throw aborted(`invalid starting token ${req.startingToken}`);
        start = all.findIndex(v => v.id > req.startingToken);
        if (start < 0) start = all.length;
      }
      const max = req.maxEntries > 0 ? req.maxEntries : all.length;
      const page = all.slice(start, start + max);
      const next = start + max < all.length ? page[page.length - 1].id : '';
      return {
        entries: page.map(v => ({
          volume: volumeOf(v),
          status: { publishedNodeIds: v.attachedTo, volumeCondition: null },
        })),
        nextToken: next,
      };
    }),

    GetCapacity: unary('GetCapacity', ctx.log, async req => {
      const here = !req.accessibleTopology || Object.entries(req.accessibleTopology.segments).every(([k, v]) => k === TOPOLOGY_KEY && v === ctx.nodeId);
      const free = here ? Math.max(0, ctx.capacityBytes - store.allocatedBytes()) : 0;
      return { availableCapacity: free, maximumVolumeSize: here ? { value: Math.min(free, ctx.maxVolumeSizeBytes) } : { value: 0 } };
    }),

    ControllerGetCapabilities: unary('ControllerGetCapabilities', ctx.log, async () => ({
      capabilities: controllerCapabilities(ctx.enableAttach).map(type => ({ rpc: { type } })),
    })),

    ControllerExpandVolume: unary('ControllerExpandVolume', ctx.log, req => locked(async () => {
      const id = required(req.volumeId, 'volume id');
      const range = required(req.capacityRange, 'capacity range');
      const v = store.get(id);
      if (!v) throw notFound(`volume ${id} not found`);
      const wanted = chooseCapacity(range, ctx.maxVolumeSizeBytes);
      if (wanted > v.capacityBytes) {
        ensureFree(ctx, wanted - v.capacityBytes);
        store.put({ ...v, capacityBytes: wanted });
        ctx.log('volume expanded', { id, capacityBytes: wanted });
      }
      // The kubelet then calls NodeExpandVolume where the volume is published.
      return { capacityBytes: Math.max(wanted, v.capacityBytes), nodeExpansionRequired: true };
    })),
  };
  if (!ctx.enableAttach) {
    delete handlers.ControllerPublishVolume;
    delete handlers.ControllerUnpublishVolume;
  }
  return handlers;
}
