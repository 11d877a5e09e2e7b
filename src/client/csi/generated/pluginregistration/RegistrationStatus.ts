// Original file: src/client/csi/pluginregistration.proto


/**
 * The kubelet's verdict on a registration.
 */
export interface RegistrationStatus {
  'pluginRegistered'?: (boolean);
  /**
   * Why the registration failed; empty on success.
   */
  'error'?: (string);
}

/**
 * The kubelet's verdict on a registration.
 */
export interface RegistrationStatus__Output {
  'pluginRegistered': (boolean);
  /**
   * Why the registration failed; empty on success.
   */
  'error': (string);
}
