// What the hostpath driver offers: the CSI capabilities it advertises and the volume capabilities it
// accepts. Volumes are directories, so only the mount access type; every access mode, since each
// volume lives on one node and the CO's topology keeps its users there.
import type { ControllerCapability, NodeCapability, VolumeCapability__Output } from '../client/csi/types.js';
import { invalidArgument } from './errors.js';

export const DEFAULT_DRIVER_NAME = 'hostpath.csi.k8ts.io';
/** The topology segment every volume and node of this driver carries: the node's id. */
export const TOPOLOGY_KEY = 'topology.hostpath.csi.k8ts.io/node';
/** The volume_context key the kubelet sets on a CSI inline ephemeral volume (upstream's csi.storage.k8s.io/ephemeral). */
export const EPHEMERAL_CONTEXT_KEY = 'csi.storage.k8s.io/ephemeral';

export function controllerCapabilities(enableAttach: boolean): ControllerCapability[] {
  const caps: ControllerCapability[] = ['CREATE_DELETE_VOLUME', 'LIST_VOLUMES', 'GET_CAPACITY', 'EXPAND_VOLUME'];
  if (enableAttach) caps.push('PUBLISH_UNPUBLISH_VOLUME', 'PUBLISH_READONLY');
  return caps;
}

export const NODE_CAPABILITIES: NodeCapability[] = ['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'EXPAND_VOLUME'];

/** Why the driver cannot serve a capability, or undefined when it can. */
export function unsupportedCapability(c: VolumeCapability__Output): string | undefined {
  if (c.accessType === 'block' || c.block) return 'block access type is not supported: hostpath volumes are directories';
  if (c.accessType !== 'mount') return 'access type (mount or block) missing in volume capability';
  const mode = c.accessMode?.mode;
  if (!mode || mode === 'UNKNOWN') return 'access mode missing in volume capability';
  return undefined;
}

/** Refuses, with INVALID_ARGUMENT, capabilities the driver cannot serve. */
export function checkCapabilities(caps: VolumeCapability__Output[]): void {
  if (caps.length === 0) throw invalidArgument('volume capabilities missing in request');
  for (const c of caps) {
    const why = unsupportedCapability(c);
    if (why) throw invalidArgument(why);
  }
}

/** Whether the access mode lets only readers at the volume. */
export function readOnlyMode(c: VolumeCapability__Output): boolean {
  const mode = c.accessMode?.mode;
  return mode === 'SINGLE_NODE_READER_ONLY' || mode === 'MULTI_NODE_READER_ONLY';
}
