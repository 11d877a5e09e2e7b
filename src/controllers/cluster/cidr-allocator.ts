// Splits the cluster CIDR into equal per-node subnets and hands them out: lowest free first, never
// twice, back to the pool on release. IPv4 only.
import { CidrError, intToIp, parseCidr } from '../../api/cidr.js';

export class CidrAllocator {
  private readonly base: number;
  private readonly subnetSize: number;
  private readonly count: number;
  private readonly used: Uint8Array;
  private next = 0;

  constructor(clusterCidr: string, readonly nodeMaskSize = 24) {
    const { base, prefix } = parseCidr(clusterCidr);
    if (nodeMaskSize < prefix || nodeMaskSize > 32) throw new CidrError(`node mask size /${nodeMaskSize} does not fit in ${clusterCidr}`);
    this.base = base;
    this.subnetSize = 2 ** (32 - nodeMaskSize);
    this.count = 2 ** (nodeMaskSize - prefix);
    this.used = new Uint8Array(this.count);
  }

  get capacity(): number {
    return this.count;
  }

  private cidrAt(i: number): string {
    return `${intToIp(this.base + i * this.subnetSize)}/${this.nodeMaskSize}`;
  }

  /** The subnet index of a CIDR of this allocator, or undefined if it is not one. */
  private indexOf(cidr: string): number | undefined {
    let parsed;
    try {
      parsed = parseCidr(cidr);
    } catch {
      return undefined;
    }
    if (parsed.prefix !== this.nodeMaskSize) return undefined;
    const i = (parsed.base - this.base) / this.subnetSize;
    return Number.isInteger(i) && i >= 0 && i < this.count ? i : undefined;
  }

  /** Marks a CIDR (e.g. one a node already has) as taken; false if it is not in this range. */
  occupy(cidr: string): boolean {
    const i = this.indexOf(cidr);
    if (i === undefined) return false;
    this.used[i] = 1;
    return true;
  }

  /** The next free subnet, or undefined when the range is exhausted. */
  allocate(): string | undefined {
    for (let n = 0; n < this.count; n++) {
      const i = (this.next + n) % this.count;
      if (!this.used[i]) {
        this.used[i] = 1;
        this.next = (i + 1) % this.count;
        return this.cidrAt(i);
      }
    }
    return undefined;
  }

  release(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used[i] = 0;
  }
}
