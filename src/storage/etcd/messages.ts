// The etcd v3 messages this package sends and receives, as @grpc/proto-loader decodes them with
// ETCD_LOADER_OPTIONS (k8ts's common options: camelCase fields, int64 as numbers, enums as names,
// bytes as Buffers, every declared field present in responses). Only the fields k8ts uses are listed; the wire format is
// the published rpc.proto/kv.proto under proto/.
import type { Options } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '../../util/proto-types.js';

export const ETCD_LOADER_OPTIONS = PROTO_LOADER_OPTIONS;

/** For the Cluster service: the same, but int64s as decimal strings (member IDs use all 64 bits). */
export const ETCD_MEMBER_LOADER_OPTIONS = { ...ETCD_LOADER_OPTIONS, longs: String } as const satisfies Options;

/** etcdserverpb.Member; `ID` is a decimal string (see ETCD_MEMBER_LOADER_OPTIONS). */
export interface EtcdMemberInfo {
  ID: string;
  /** Empty until the member has started and published itself. */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface ResponseHeader {
  clusterId: number;
  memberId: number;
  revision: number;
  raftTerm: number;
}

/** mvccpb.KeyValue */
export interface EtcdKeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
  lease: number;
}

export interface RangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  limit?: number;
  revision?: number;
  countOnly?: boolean;
  keysOnly?: boolean;
  serializable?: boolean;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: EtcdKeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  lease?: number;
  prevKv?: boolean;
}

export interface DeleteRangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  prevKv?: boolean;
}

export interface Compare {
  result: 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
  target: 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';
  key: Buffer;
  createRevision?: number;
  modRevision?: number;
}

export interface RequestOp {
  requestRange?: RangeRequest;
  requestPut?: PutRequest;
  requestDeleteRange?: DeleteRangeRequest;
}

export interface ResponseOp {
  responseRange: RangeResponse | null;
  responsePut: { header: ResponseHeader; prevKv: EtcdKeyValue | null } | null;
  responseDeleteRange: { header: ResponseHeader; deleted: number; prevKvs: EtcdKeyValue[] } | null;
}

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

/** One of these, as WatchRequest's oneof (k8ts sends no progress requests: see history-watch.ts). */
export interface WatchRequest {
  createRequest?: {
    key: Buffer;
    rangeEnd?: Buffer;
    startRevision?: number;
    progressNotify?: boolean;
    prevKv?: boolean;
  };
  cancelRequest?: { watchId: number };
}

/** mvccpb.Event */
export interface EtcdEvent {
  type: 'PUT' | 'DELETE';
  kv: EtcdKeyValue;
  prevKv: EtcdKeyValue | null;
}

export interface WatchResponse {
  header: ResponseHeader;
  watchId: number;
  created: boolean;
  canceled: boolean;
  compactRevision: number;
  cancelReason: string;
  events: EtcdEvent[];
}
