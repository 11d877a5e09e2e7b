// Original file: src/kubelet/cri/api.proto


export interface RemoveContainerResponse {
}

export interface RemoveContainerResponse__Output {
}
