// How @grpc/proto-loader decodes CSI and plugin-registration messages, on both ends (the kubelet
// and controllers as clients, the reference driver as server). generate.ts derives the generated
// types' flags from these, so the types describe exactly what is received: camelCase field names,
// 64-bit integers (capacities) as numbers, enums as their names, every field present with its
// default, and for each `oneof` a property naming the member that is set (e.g. VolumeCapability's
// `accessType: 'mount' | 'block'`).
import type { Options } from '@grpc/proto-loader';

export const CSI_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
} as const satisfies Options;
