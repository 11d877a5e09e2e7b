// Original file: src/client/csi/csi.proto


export interface DeleteSnapshotRequest {
  /**
   * The ID of the snapshot to be deleted.
   * This field is REQUIRED.
   */
  'snapshotId'?: (string);
  /**
   * Secrets required by plugin to complete snapshot deletion request.
   * This field is OPTIONAL. Refer to the `Secrets Requirements`
   * section on how to use this field.
   */
  'secrets'?: ({[key: string]: string});
}

export interface DeleteSnapshotRequest__Output {
  /**
   * The ID of the snapshot to be deleted.
   * This field is REQUIRED.
   */
  'snapshotId': (string);
  /**
   * Secrets required by plugin to complete snapshot deletion request.
   * This field is OPTIONAL. Refer to the `Secrets Requirements`
   * section on how to use this field.
   */
  'secrets': ({[key: string]: string});
}
