// Original file: src/kubelet/cri/api.proto


export interface RemoveImageResponse {
}

export interface RemoveImageResponse__Output {
}
