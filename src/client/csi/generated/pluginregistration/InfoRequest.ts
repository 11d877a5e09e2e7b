// Original file: src/client/csi/pluginregistration.proto


export interface InfoRequest {
}

export interface InfoRequest__Output {
}
