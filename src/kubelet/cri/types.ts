// The kubelet's names for CRI v1 messages. The shapes are generated from api.proto into generated/
// (npm run gen:cri) with the options the client decodes with (loader-options.ts).
//
// Each message has two generated shapes: what may be sent (`X`: every field optional, as proto3
// leaves out what is unset; 64-bit integers also as strings or Longs) and what is received
// (`X__Output`: every field present, nested messages possibly null, 64-bit integers as numbers,
// enums as their names). The kubelet builds configs, filters and requests, and reads statuses and
// lists, so each name below is the side it is used on.

// ---- what the kubelet sends ----
export type { AttachRequest } from './generated/runtime/v1/AttachRequest.js';
export type { AuthConfig } from './generated/runtime/v1/AuthConfig.js';
export type { ContainerConfig } from './generated/runtime/v1/ContainerConfig.js';
export type { ContainerFilter } from './generated/runtime/v1/ContainerFilter.js';
export type { ContainerStatsFilter } from './generated/runtime/v1/ContainerStatsFilter.js';
export type { DNSConfig } from './generated/runtime/v1/DNSConfig.js';
export type { ExecRequest } from './generated/runtime/v1/ExecRequest.js';
export type { ImageSpec } from './generated/runtime/v1/ImageSpec.js';
export type { Int64Value } from './generated/runtime/v1/Int64Value.js';
export type { KeyValue } from './generated/runtime/v1/KeyValue.js';
export type { LinuxContainerResources } from './generated/runtime/v1/LinuxContainerResources.js';
export type { LinuxContainerSecurityContext } from './generated/runtime/v1/LinuxContainerSecurityContext.js';
export type { Mount } from './generated/runtime/v1/Mount.js';
export type { NamespaceOption } from './generated/runtime/v1/NamespaceOption.js';
export type { PodSandboxConfig } from './generated/runtime/v1/PodSandboxConfig.js';
export type { PodSandboxFilter } from './generated/runtime/v1/PodSandboxFilter.js';
export type { PortForwardRequest } from './generated/runtime/v1/PortForwardRequest.js';
export type { PortMapping } from './generated/runtime/v1/PortMapping.js';

// ---- enums, by name ----
export type { ContainerState__Output as ContainerState } from './generated/runtime/v1/ContainerState.js';
export type { PodSandboxState__Output as PodSandboxState } from './generated/runtime/v1/PodSandboxState.js';
export type { Protocol__Output as Protocol } from './generated/runtime/v1/Protocol.js';

// ---- what the runtime returns ----
export type { Container__Output as Container } from './generated/runtime/v1/Container.js';
export type { ContainerStats__Output as ContainerStats } from './generated/runtime/v1/ContainerStats.js';
export type { ContainerStatus__Output as ContainerStatus } from './generated/runtime/v1/ContainerStatus.js';
export type { ContainerStatusResponse__Output as ContainerStatusResponse } from './generated/runtime/v1/ContainerStatusResponse.js';
export type { ExecSyncResponse__Output as ExecSyncResponse } from './generated/runtime/v1/ExecSyncResponse.js';
export type { Image__Output as Image } from './generated/runtime/v1/Image.js';
export type { ImageFsInfoResponse__Output as ImageFsInfoResponse } from './generated/runtime/v1/ImageFsInfoResponse.js';
export type { PodSandbox__Output as PodSandbox } from './generated/runtime/v1/PodSandbox.js';
export type { PodSandboxStatus__Output as PodSandboxStatus } from './generated/runtime/v1/PodSandboxStatus.js';
export type { PodSandboxStatusResponse__Output as PodSandboxStatusResponse } from './generated/runtime/v1/PodSandboxStatusResponse.js';
export type { RuntimeCondition__Output as RuntimeCondition } from './generated/runtime/v1/RuntimeCondition.js';
export type { StatusResponse__Output as StatusResponse } from './generated/runtime/v1/StatusResponse.js';
export type { UInt64Value__Output as UInt64Value } from './generated/runtime/v1/UInt64Value.js';
export type { VersionResponse__Output as VersionResponse } from './generated/runtime/v1/VersionResponse.js';
