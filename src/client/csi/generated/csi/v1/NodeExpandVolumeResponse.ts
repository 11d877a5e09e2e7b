// Original file: src/client/csi/csi.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeExpandVolumeResponse {
  /**
   * The capacity of the volume in bytes. This field is OPTIONAL.
   */
  'capacityBytes'?: (number | string | Long);
}

export interface NodeExpandVolumeResponse__Output {
  /**
   * The capacity of the volume in bytes. This field is OPTIONAL.
   */
  'capacityBytes': (number);
}
