// How @grpc/proto-loader decodes CRI messages: k8ts's common options (util/proto-types.ts). The
// client loads api.proto with these and the type generator (generate.ts) derives its flags from
// them, so the generated types describe exactly what the client receives.
import { PROTO_LOADER_OPTIONS } from '../../util/proto-types.js';

export const CRI_LOADER_OPTIONS = PROTO_LOADER_OPTIONS;
