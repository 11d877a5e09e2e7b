// How @grpc/proto-loader decodes CRI messages. The client loads api.proto with these options and the
// type generator (generate.ts) derives its flags from them, so the generated types describe exactly
// what the client receives: camelCase field names, 64-bit integers as numbers, enums as their
// names, `bytes` as Buffers, and every declared field present in responses (scalars default to
// 0/''/false, lists to [], maps to {}, unset sub-messages to null).
import type { Options } from '@grpc/proto-loader';

export const CRI_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: false,
} as const satisfies Options;
