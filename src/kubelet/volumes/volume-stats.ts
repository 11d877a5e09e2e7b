// Usage of a claim's volume as the kubelet exports it (kubelet_volume_stats_* on /metrics), labelled
// by the claim, as upstream's volume stats collector.
export interface ClaimVolumeStats {
  namespace: string;
  persistentvolumeclaim: string;
  capacityBytes: number;
  availableBytes: number;
  usedBytes: number;
  inodes: number;
  inodesFree: number;
  inodesUsed: number;
}

export type VolumeStatsSource = () => Promise<ClaimVolumeStats[]>;
