// CPU milli-cores as cgroup v1 cpu.shares (upstream's MilliCPUToShares): 1024 shares per core,
// never below the kernel's minimum of 2 (what a pod without a CPU request gets) nor above its maximum.

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;

export function milliCpuToShares(milliCpu: number | undefined): number {
  if (!milliCpu) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milliCpu * 1024) / 1000)));
}
