// The VXLAN pod network, as data: from the Node objects, what this node's VTEP must hold so that
// every other node's pods are one encapsulated hop away (as flannel's vxlan backend):
//  - a route  `<their pod CIDR> via <their VTEP address> dev <vtep> onlink`,
//  - a neighbour entry  <their VTEP address> → <their VTEP MAC>  (no ARP across the tunnel),
//  - an FDB entry  <their VTEP MAC> → <their node IP>  (which host to send the UDP packet to).
// A node's VTEP address is the network address (.0) of its pod CIDR, which no pod ever gets.
// Pure: the executor (vxlan.ts) diffs this against the kernel.
import { intToIp, parseCidr } from '../api/cidr.js';
import { internalIPs, podCIDRs, type NodeObject } from '../api/node-object.js';

export const VXLAN_DEVICE = 'k8ts.vxlan';
export const VXLAN_VNI = 1;
/** The port the Linux kernel and flannel use for VXLAN (IANA's 4789 is the other common one). */
export const VXLAN_PORT = 8472;
/** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) headers. */
export const VXLAN_OVERHEAD = 50;

/** Published on each Node by its agent: which backend it runs and its VTEP's MAC address. */
export const BACKEND_ANNOTATION = 'k8ts.io/pod-network-backend';
export const VTEP_MAC_ANNOTATION = 'k8ts.io/vxlan-vtep-mac';

export type PodNetworkBackendName = 'host-gw' | 'vxlan';
export const POD_NETWORK_BACKENDS: readonly PodNetworkBackendName[] = ['host-gw', 'vxlan'];

export interface VxlanRoute { dst: string; via: string }
export interface VxlanNeighbour { ip: string; mac: string }
export interface VxlanFdbEntry { mac: string; dst: string }

export interface VxlanPlan {
  /** This node's VTEP address (`<podCIDR .0>/32`), once it has a pod CIDR. */
  address?: string;
  routes: VxlanRoute[];
  neighbours: VxlanNeighbour[];
  fdb: VxlanFdbEntry[];
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** The IPv4 pod CIDRs of a node, normalised to their network address; malformed ones are skipped. */
function podCidrs(n: NodeObject): { dst: string; network: string }[] {
  const out: { dst: string; network: string }[] = [];
  for (const text of podCIDRs(n)) {
    if (text.includes(':')) continue;
    try {
      const c = parseCidr(text);
      out.push({ dst: `${intToIp(c.base)}/${text.split('/')[1]}`, network: intToIp(c.base) });
    } catch {
      // not a CIDR: nothing to route to
    }
  }
  return out;
}

export function vtepAddress(n: NodeObject): string | undefined {
  return podCidrs(n)[0]?.network;
}

/**
 * The desired VTEP state of node `self`. Nodes without an IPv4 InternalIP, an IPv4 pod CIDR or a
 * VTEP MAC (host-gw nodes, simulated nodes, nodes still starting) are left out.
 */
export function planVxlan(nodes: NodeObject[], self: string): VxlanPlan {
  const plan: VxlanPlan = { routes: [], neighbours: [], fdb: [] };
  for (const n of nodes) {
    if (n.metadata.name === self) {
      plan.address = vtepAddress(n);
      continue;
    }
    if (n.metadata.annotations?.[BACKEND_ANNOTATION] !== 'vxlan') continue;
    const mac = n.metadata.annotations?.[VTEP_MAC_ANNOTATION]?.toLowerCase();
    const ip = internalIPs(n)[0];
    const cidrs = podCidrs(n);
    if (!mac || !MAC.test(mac) || !ip || ip.includes(':') || cidrs.length === 0) continue;
    const via = cidrs[0].network;
    for (const c of cidrs) plan.routes.push({ dst: c.dst, via });
    plan.neighbours.push({ ip: via, mac });
    plan.fdb.push({ mac, dst: ip });
  }
  return plan;
}
