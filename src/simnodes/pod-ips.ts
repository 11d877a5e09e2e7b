// Pod IPs per node: from the node's spec.podCIDR once the cluster's IPAM controller assigned one,
// else from a range derived from the node's index (100.64.0.0/10, one /24 per node) so pods still
// get unique addresses on a cluster without that controller.
import { intToIp, parseCidr, type Cidr } from '../api/cidr.js';

const FALLBACK_BASE = 0x64400000; // 100.64.0.0

export function fallbackCidr(index: number): Cidr {
  return { base: FALLBACK_BASE + (index % 16384) * 256, prefix: 24, size: 256 };
}

export class PodIpPool {
  private readonly byPod = new Map<string, number>();
  private readonly used = new Set<number>();
  private cursor = 2;

  constructor(readonly cidr: Cidr) {}

  static fromText(cidr: string): PodIpPool {
    return new PodIpPool(parseCidr(cidr));
  }

  /** The pod's address, allocating the next free one; undefined when the range is full. */
  allocate(podUid: string): string | undefined {
    const have = this.byPod.get(podUid);
    if (have !== undefined) return intToIp(this.cidr.base + have);
    // .0 is the network, .1 the node's bridge, the last the broadcast address.
    const usable = this.cidr.size - 3;
    for (let i = 0; i < usable; i++) {
      const n = 2 + ((this.cursor - 2 + i) % usable);
      if (this.used.has(n)) continue;
      this.used.add(n);
      this.byPod.set(podUid, n);
      this.cursor = n + 1;
      return intToIp(this.cidr.base + n);
    }
    return undefined;
  }

  /** Records an address a pod already has (e.g. after a restart of the simulator). */
  adopt(podUid: string, ip: string): void {
    const parts = ip.split('.').map(Number);
    const n = parts.reduce((a, p) => a * 256 + p, 0) - this.cidr.base;
    if (n <= 0 || n >= this.cidr.size || this.byPod.has(podUid)) return;
    this.used.add(n);
    this.byPod.set(podUid, n);
  }

  release(podUid: string): void {
    const n = this.byPod.get(podUid);
    if (n === undefined) return;
    this.byPod.delete(podUid);
    this.used.delete(n);
  }
}
