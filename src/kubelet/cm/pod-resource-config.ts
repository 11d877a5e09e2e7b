// The cgroup settings of a pod's own cgroup and of the Burstable class's cgroup, as upstream's
// ResourceConfigForPod and the QoS container manager compute them: cpu.shares from the pod's
// summed CPU requests (the minimum, 2, for BestEffort), a CFS quota only when every container
// limits CPU, a memory limit only when every container limits memory (a Guaranteed pod's
// containers all limit both). Init containers count as upstream's PodRequests/PodLimits count
// them, with the pod overhead. The Burstable cgroup's shares are its pods' summed CPU requests.
import { podQos } from '../../api/pod-qos.js';
import { CPU, MEMORY, podLimits, podRequests } from '../../api/pod-resources.js';
import { isPodTerminal } from '../../api/pod-state.js';
import { milliCpuToQuota, milliCpuToShares, MIN_SHARES, QUOTA_PERIOD } from '../cpu-shares.js';
import type { PodObject } from '../types.js';

/** Settings of a cgroup; those absent are not written. */
export interface CgroupResourceConfig {
  cpuShares?: number;
  /** With cpuPeriod: cpu.cfs_quota_us; absent, the pod's CPU time is not capped at its level. */
  cpuQuota?: number;
  cpuPeriod?: number;
  memoryLimitBytes?: number;
}

export function podResourceConfig(pod: PodObject): CgroupResourceConfig {
  const qos = podQos(pod);
  if (qos === 'BestEffort') return { cpuShares: MIN_SHARES };
  let cpuLimited = true;
  let memoryLimited = true;
  const limits = podLimits(pod, l => {
    if (!l.get(CPU)) cpuLimited = false;
    if (!l.get(MEMORY)) memoryLimited = false;
  });
  const out: CgroupResourceConfig = { cpuShares: milliCpuToShares(podRequests(pod).get(CPU)) };
  const quota = milliCpuToQuota(limits.get(CPU));
  if (cpuLimited && quota !== undefined) {
    out.cpuQuota = quota;
    out.cpuPeriod = QUOTA_PERIOD;
  }
  if (memoryLimited && limits.has(MEMORY)) out.memoryLimitBytes = limits.get(MEMORY);
  return out;
}

/** cpu.shares of the Burstable cgroup: its running pods' summed CPU requests (finished pods hold none). */
export function burstableCpuShares(pods: PodObject[]): number {
  let milliCpu = 0;
  for (const p of pods) {
    if (podQos(p) !== 'Burstable' || isPodTerminal(p)) continue;
    milliCpu += podRequests(p).get(CPU) ?? 0;
  }
  return milliCpuToShares(milliCpu);
}
