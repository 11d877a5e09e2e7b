// CPU milli-cores as cgroup v1 CFS settings, as upstream's MilliCPUToShares and MilliCPUToQuota:
// requests become cpu.shares (1024 per core, never below the kernel's minimum of 2 — what a pod
// without a CPU request gets — nor above its maximum), limits a quota per 100 ms period.

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
/** The CFS period the kubelet sets (upstream's default --cpu-cfs-quota-period, 100 ms). */
export const QUOTA_PERIOD = 100_000;
/** The kernel refuses a quota below 1 ms. */
const MIN_QUOTA = 1000;

export function milliCpuToShares(milliCpu: number | undefined): number {
  if (!milliCpu) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milliCpu * 1024) / 1000)));
}

/** cpu.cfs_quota_us for a CPU limit over QUOTA_PERIOD; undefined for no limit. */
export function milliCpuToQuota(milliCpu: number | undefined): number | undefined {
  if (!milliCpu) return undefined;
  return Math.max(MIN_QUOTA, Math.floor((milliCpu * QUOTA_PERIOD) / 1000));
}
