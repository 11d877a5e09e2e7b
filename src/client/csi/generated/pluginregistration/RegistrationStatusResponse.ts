// Original file: src/client/csi/pluginregistration.proto


export interface RegistrationStatusResponse {
}

export interface RegistrationStatusResponse__Output {
}
