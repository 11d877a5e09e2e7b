// How @grpc/proto-loader decodes CSI and plugin-registration messages, on both ends (the kubelet
// and controllers as clients, the reference driver as server). generate.ts derives the generated
// types' flags from these, so the types describe exactly what is received: k8ts's common options
// (util/proto-types.ts), plus for each `oneof` a property naming the member that is set (e.g.
// VolumeCapability's `accessType: 'mount' | 'block'`).
import { PROTO_LOADER_OPTIONS } from '../../util/proto-types.js';

export const CSI_LOADER_OPTIONS = { ...PROTO_LOADER_OPTIONS, oneofs: true } as const;
