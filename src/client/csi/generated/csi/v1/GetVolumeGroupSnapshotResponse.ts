// Original file: src/client/csi/csi.proto

import type { VolumeGroupSnapshot as _csi_v1_VolumeGroupSnapshot, VolumeGroupSnapshot__Output as _csi_v1_VolumeGroupSnapshot__Output } from '../../csi/v1/VolumeGroupSnapshot.js';

export interface GetVolumeGroupSnapshotResponse {
  /**
   * This field is REQUIRED
   */
  'groupSnapshot'?: (_csi_v1_VolumeGroupSnapshot | null);
}

export interface GetVolumeGroupSnapshotResponse__Output {
  /**
   * This field is REQUIRED
   */
  'groupSnapshot': (_csi_v1_VolumeGroupSnapshot__Output | null);
}
