// A small etcd v3 client over gRPC (@grpc/grpc-js with the published rpc.proto): the KV calls,
// the Watch stream and Compact, against one or more endpoints (`https://host:2379`, or `http://`
// for a cluster without TLS). Calls go to one endpoint at a time; when it is unreachable the next
// one takes over (reads are retried there at once; a write is not, since it may have been applied).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { StorageError } from '../types.js';
import {
  ETCD_LOADER_OPTIONS, ETCD_MEMBER_LOADER_OPTIONS, type DeleteRangeRequest, type EtcdMemberInfo, type PutRequest, type RangeRequest, type ResponseHeader, type RangeResponse, type TxnRequest, type TxnResponse, type WatchRequest, type WatchResponse,
} from './messages.js';

// The .proto files ship in the package's source tree; compiled code runs from dist/src/storage/etcd/.
const PROTO_ROOT = fileURLToPath(new URL('../../../../src/storage/etcd/proto', import.meta.url));
const RPC_PROTO = 'etcd/etcdserver/etcdserverpb/rpc.proto';

// etcd accepts requests up to 1.5 MiB by default but may answer with much more (a whole range or a
// batch of watch events): no receive limit, as etcd's own client.
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  // A restarted member is back within seconds; gRPC's default backoff grows to two minutes.
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // No channelz server is ever asked: its per-call bookkeeping (closures, timestamps, counters on
  // the channel, subchannel and transport) would be paid by every request for nothing.
  'grpc.enable_channelz': 0,
};

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface EtcdTls {
  /** CA bundle (PEM) that signed the members' serving certificates. */
  ca: Buffer;
  /** Client certificate and key (PEM), for members that require them. */
  cert?: Buffer;
  key?: Buffer;
}

export interface EtcdClientOptions {
  /** `https://host:port` or `http://host:port`, one per member. */
  endpoints: string[];
  tls?: EtcdTls;
  requestTimeoutMs?: number;
}

/** An etcd call that failed; `code` is the gRPC status, `details` etcd's message ("etcdserver: ..."). */
export class EtcdError extends StorageError {
  constructor(readonly method: string, readonly code: grpc.status, readonly details: string) {
    super(`etcd ${method}: ${details || grpc.status[code]}`);
  }

  /** etcd's ErrCompacted: the revision asked for has been compacted away. */
  get compacted(): boolean {
    return this.code === grpc.status.OUT_OF_RANGE && this.details.includes('required revision has been compacted');
  }

  /** etcd's ErrFutureRev: the revision asked for is above the current one. */
  get futureRevision(): boolean {
    return this.code === grpc.status.OUT_OF_RANGE && this.details.includes('required revision is a future revision');
  }
}

type Callback = (err: grpc.ServiceError | null, response: unknown) => void;
type Stub = grpc.Client & Record<string, (request: object, callback: Callback) => grpc.ClientUnaryCall>;

/** A unary call under way, failed with DEADLINE_EXCEEDED by the client's sweep once past `deadline`. */
interface PendingCall {
  call?: grpc.ClientUnaryCall;
  method: string;
  deadline: number;
  reject: (err: EtcdError) => void;
}
type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Maintenance' | 'Cluster';

type Services = Record<ServiceName, grpc.ServiceClientConstructor>;
let services: Services | undefined;
let clusterServices: Services | undefined;

function loadServices(options: protoLoader.Options): Services {
  const definition = protoLoader.loadSync(RPC_PROTO, { ...options, includeDirs: [PROTO_ROOT] });
  return (grpc.loadPackageDefinition(definition) as unknown as { etcdserverpb: Services }).etcdserverpb;
}

function serviceConstructor(name: ServiceName): grpc.ServiceClientConstructor {
  // Member IDs are random 64-bit numbers: the Cluster service is decoded with int64s as decimal
  // strings (a JavaScript number would round most of them), the others with numbers.
  if (name === 'Cluster') return (clusterServices ??= loadServices(ETCD_MEMBER_LOADER_OPTIONS)).Cluster;
  return (services ??= loadServices(ETCD_LOADER_OPTIONS))[name];
}

interface Endpoint {
  target: string;
  credentials: grpc.ChannelCredentials;
  stubs: Map<ServiceName, Stub>;
}

/** `https://10.0.0.1:2379` → a gRPC target and whether it needs TLS. */
export function parseEndpoint(url: string): { target: string; secure: boolean } {
  const m = /^(https?):\/\/([^/]+?)\/?$/.exec(url);
  if (!m) throw new StorageError(`invalid etcd endpoint ${JSON.stringify(url)}: must be http(s)://host:port`);
  return { target: m[2], secure: m[1] === 'https' };
}

export class EtcdClient {
  private readonly endpoints: Endpoint[];
  private active = 0;
  private readonly timeoutMs: number;
  /**
   * Unary calls under way. Their timeout is enforced here, by one sweep, rather than by a gRPC
   * deadline per call: a deadline costs every call a timer in grpc-js and a grpc-timeout header,
   * which etcd turns into a timer of its own.
   */
  private readonly pending = new Set<PendingCall>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly options: EtcdClientOptions) {
    if (!options.endpoints.length) throw new StorageError('no etcd endpoints given');
    this.endpoints = options.endpoints.map(url => {
      const { target, secure } = parseEndpoint(url);
      if (secure && !options.tls) throw new StorageError(`etcd endpoint ${url} uses https: a CA file is needed`);
      const credentials = secure
        ? grpc.credentials.createSsl(options.tls!.ca, options.tls!.key ?? null, options.tls!.cert ?? null)
        : grpc.credentials.createInsecure();
      return { target, credentials, stubs: new Map() };
    });
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    // Expired calls are found to within a quarter of the timeout (at most a second).
    this.sweeper = setInterval(() => this.expire(), Math.max(10, Math.min(1_000, this.timeoutMs / 4)));
    this.sweeper.unref();
  }

  range(request: RangeRequest): Promise<RangeResponse> {
    return this.unary('KV', 'Range', request, true) as Promise<RangeResponse>;
  }

  put(request: PutRequest): Promise<{ header: ResponseHeader }> {
    return this.unary('KV', 'Put', request, false) as Promise<{ header: ResponseHeader }>;
  }

  deleteRange(request: DeleteRangeRequest): Promise<{ header: ResponseHeader; deleted: number }> {
    return this.unary('KV', 'DeleteRange', request, false) as Promise<{ header: ResponseHeader; deleted: number }>;
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    return this.unary('KV', 'Txn', request, false) as Promise<TxnResponse>;
  }

  /** Grants a lease of `ttlSeconds` with the given ID (0: etcd picks one). */
  leaseGrant(ttlSeconds: number, id: number): Promise<{ ID: number; TTL: number }> {
    return this.unary('Lease', 'LeaseGrant', { TTL: ttlSeconds, ID: id }, false) as Promise<{ ID: number; TTL: number }>;
  }

  async compact(revision: number): Promise<void> {
    await this.unary('KV', 'Compact', { revision, physical: false }, false);
  }

  /** The cluster's members (etcd's MemberList, answered by the member this client talks to). */
  async memberList(): Promise<EtcdMemberInfo[]> {
    return ((await this.unary('Cluster', 'MemberList', {}, true)) as { members: EtcdMemberInfo[] }).members;
  }

  /** Adds a member that will listen for peers on `peerUrls`; a learner does not vote until promoted. */
  async memberAdd(peerUrls: string[], isLearner: boolean): Promise<{ member: EtcdMemberInfo; members: EtcdMemberInfo[] }> {
    return (await this.unary('Cluster', 'MemberAdd', { peerURLs: peerUrls, isLearner }, false)) as { member: EtcdMemberInfo; members: EtcdMemberInfo[] };
  }

  /** Makes a learner a voting member; etcd refuses while its log is behind the leader's. */
  async memberPromote(id: string): Promise<EtcdMemberInfo[]> {
    return ((await this.unary('Cluster', 'MemberPromote', { ID: id }, false)) as { members: EtcdMemberInfo[] }).members;
  }

  async memberRemove(id: string): Promise<EtcdMemberInfo[]> {
    return ((await this.unary('Cluster', 'MemberRemove', { ID: id }, false)) as { members: EtcdMemberInfo[] }).members;
  }

  /** The member's status (etcd's Maintenance.Status); dbSize is its backend database's size in bytes. */
  async status(): Promise<{ dbSize: number }> {
    const res = (await this.unary('Maintenance', 'Status', {}, true)) as { dbSize: number | string };
    return { dbSize: Number(res.dbSize) };
  }

  /** Opens a Watch stream on the endpoint in use; the caller writes WatchRequests and reads WatchResponses. */
  watchStream(): grpc.ClientDuplexStream<WatchRequest, WatchResponse> {
    const stub = this.stub('Watch', this.endpoints[this.active]);
    return (stub as unknown as { Watch(): grpc.ClientDuplexStream<WatchRequest, WatchResponse> }).Watch();
  }

  /** Streams a snapshot of the backend database (etcd's Maintenance.Snapshot, its checksum at the end). */
  snapshotStream(): grpc.ClientReadableStream<{ remainingBytes: number; blob: Buffer }> {
    const stub = this.stub('Maintenance', this.endpoints[this.active]);
    return (stub as unknown as { Snapshot(req: object): grpc.ClientReadableStream<{ remainingBytes: number; blob: Buffer }> }).Snapshot({});
  }

  /** The endpoint calls and new streams go to (an index into the endpoints given). */
  get activeEndpoint(): number { return this.active; }

  /**
   * The stream (or call) on endpoint `failed` broke because the endpoint is gone: the next call uses
   * another one. Calls failing together on one endpoint move the client once, not once each (which
   * could bring it back round to the dead one).
   */
  failOver(failed: number): void {
    if (failed === this.active) this.active = (this.active + 1) % this.endpoints.length;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const e of this.endpoints) for (const stub of e.stubs.values()) stub.close();
  }

  private stub(service: ServiceName, endpoint: Endpoint): Stub {
    let stub = endpoint.stubs.get(service);
    if (!stub) {
      const Ctor = serviceConstructor(service);
      stub = new Ctor(endpoint.target, endpoint.credentials, CHANNEL_OPTIONS) as Stub;
      endpoint.stubs.set(service, stub);
    }
    return stub;
  }

  /** One call; `retry` lets a read try every endpoint before giving up. */
  private async unary(service: ServiceName, method: string, request: object, retry: boolean): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const endpoint = this.active;
      try {
        return await this.callOnce(service, method, request);
      } catch (err) {
        if (!(err instanceof EtcdError) || err.code !== grpc.status.UNAVAILABLE) throw err;
        if (this.endpoints.length > 1) this.failOver(endpoint);
        if (!retry || attempt + 1 >= this.endpoints.length) throw err;
      }
    }
  }

  private callOnce(service: ServiceName, method: string, request: object): Promise<unknown> {
    const stub = this.stub(service, this.endpoints[this.active]);
    return new Promise((resolve, reject) => {
      const pending: PendingCall = { method, deadline: Date.now() + this.timeoutMs, reject };
      this.pending.add(pending);
      // grpc-js captures the caller's stack at every call, for the stack of an error it may
      // return; an EtcdError keeps only the status, so the capture (frames walked and kept) is
      // switched off for the call's start.
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        pending.call = stub[method](request, (err, response) => {
          this.pending.delete(pending);
          if (err) reject(new EtcdError(method, err.code, err.details));
          else resolve(response);
        });
      } finally {
        Error.stackTraceLimit = stackTraceLimit;
      }
    });
  }

  /** Fails the calls past their deadline as gRPC would (DEADLINE_EXCEEDED) and cancels them on the wire. */
  private expire(): void {
    const now = Date.now();
    for (const p of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(p);
      p.reject(new EtcdError(p.method, grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
      p.call?.cancel();
    }
  }
}
