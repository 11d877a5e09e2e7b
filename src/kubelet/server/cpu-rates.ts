// CPU usage as a rate (usageNanoCores), as the kubelet's CRI stats provider computes it: the
// cumulative CPU time of two readings of the same container (or the node) divided by the time
// between them. Readings closer than a second apart keep the rate of the older pair (two scrapes
// right after each other would otherwise measure a few milliseconds of scheduling noise); a
// counter that went down (a restarted container under the same key) starts over.

const MIN_INTERVAL_MS = 1000;

interface Reading {
  usageNanoseconds: number;
  atMs: number;
}

export class CpuRates {
  private readonly last = new Map<string, { reading: Reading; nanoCores?: number }>();

  /** The rate for `key` given a new reading; undefined until there are two readings. */
  rate(key: string, usageNanoseconds: number, atMs: number): number | undefined {
    const prior = this.last.get(key);
    if (prior && usageNanoseconds >= prior.reading.usageNanoseconds && atMs - prior.reading.atMs < MIN_INTERVAL_MS) return prior.nanoCores;
    let nanoCores: number | undefined;
    if (prior && usageNanoseconds >= prior.reading.usageNanoseconds && atMs > prior.reading.atMs) {
      nanoCores = Math.round(((usageNanoseconds - prior.reading.usageNanoseconds) * 1000) / (atMs - prior.reading.atMs));
    }
    this.last.set(key, { reading: { usageNanoseconds, atMs }, nanoCores });
    return nanoCores;
  }

  /** Forgets every key not in `live` (containers that are gone). */
  retain(live: Set<string>): void {
    for (const key of this.last.keys()) if (!live.has(key)) this.last.delete(key);
  }
}
