// Original file: src/client/csi/pluginregistration.proto


/**
 * What a plugin tells the kubelet's plugin watcher about itself.
 */
export interface PluginInfo {
  /**
   * "CSIPlugin" or "DevicePlugin".
   */
  'type'?: (string);
  /**
   * For CSI: the driver's name.
   */
  'name'?: (string);
  /**
   * For CSI: the driver's own socket, when it differs from the registration socket.
   */
  'endpoint'?: (string);
  /**
   * API versions the plugin speaks at that endpoint; the kubelet picks one it supports.
   */
  'supportedVersions'?: (string)[];
}

/**
 * What a plugin tells the kubelet's plugin watcher about itself.
 */
export interface PluginInfo__Output {
  /**
   * "CSIPlugin" or "DevicePlugin".
   */
  'type': (string);
  /**
   * For CSI: the driver's name.
   */
  'name': (string);
  /**
   * For CSI: the driver's own socket, when it differs from the registration socket.
   */
  'endpoint': (string);
  /**
   * API versions the plugin speaks at that endpoint; the kubelet picks one it supports.
   */
  'supportedVersions': (string)[];
}
