// Original file: src/client/csi/csi.proto

import type { VolumeGroupSnapshot as _csi_v1_VolumeGroupSnapshot, VolumeGroupSnapshot__Output as _csi_v1_VolumeGroupSnapshot__Output } from '../../csi/v1/VolumeGroupSnapshot.js';

export interface CreateVolumeGroupSnapshotResponse {
  /**
   * Contains all attributes of the newly created group snapshot.
   * This field is REQUIRED.
   */
  'groupSnapshot'?: (_csi_v1_VolumeGroupSnapshot | null);
}

export interface CreateVolumeGroupSnapshotResponse__Output {
  /**
   * Contains all attributes of the newly created group snapshot.
   * This field is REQUIRED.
   */
  'groupSnapshot': (_csi_v1_VolumeGroupSnapshot__Output | null);
}
