// Original file: src/kubelet/cri/api.proto


export interface StartContainerResponse {
}

export interface StartContainerResponse__Output {
}
