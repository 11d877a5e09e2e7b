// Original file: src/kubelet/cri/api.proto


export interface StopContainerResponse {
}

export interface StopContainerResponse__Output {
}
