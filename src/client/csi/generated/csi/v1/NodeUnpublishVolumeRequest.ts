// Original file: src/client/csi/csi.proto


export interface NodeUnpublishVolumeRequest {
  /**
   * The ID of the volume. This field is REQUIRED.
   */
  'volumeId'?: (string);
  /**
   * The path at which the volume was published. It MUST be an absolute
   * path in the root filesystem of the process serving this request.
   * The SP MUST delete the file or directory it created at this path.
   * This is a REQUIRED field.
   * This field overrides the general CSI size limit.
   * SP SHOULD support the maximum path length allowed by the operating
   * system/filesystem, but, at a minimum, SP MUST accept a max path
   * length of at least 128 bytes.
   */
  'targetPath'?: (string);
}

export interface NodeUnpublishVolumeRequest__Output {
  /**
   * The ID of the volume. This field is REQUIRED.
   */
  'volumeId': (string);
  /**
   * The path at which the volume was published. It MUST be an absolute
   * path in the root filesystem of the process serving this request.
   * The SP MUST delete the file or directory it created at this path.
   * This is a REQUIRED field.
   * This field overrides the general CSI size limit.
   * SP SHOULD support the maximum path length allowed by the operating
   * system/filesystem, but, at a minimum, SP MUST accept a max path
   * length of at least 128 bytes.
   */
  'targetPath': (string);
}
