// Typed promise clients for a CSI driver on a unix socket (Identity, Controller and Node services of
// the CSI spec) and for the kubelet plugin-registration service a plugin serves. Every call has a
// deadline; every failure rejects with a CsiError carrying the gRPC status, so callers can tell a
// driver that does not answer (`unreachable`) from one that refused the request.
import * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import type { ControllerDefinition } from './generated/csi/v1/Controller.js';
import type { IdentityDefinition } from './generated/csi/v1/Identity.js';
import type { NodeDefinition } from './generated/csi/v1/Node.js';
import type { RegistrationDefinition } from './generated/pluginregistration/Registration.js';
import { csiPackage, csiTarget, registrationPackage } from './protocol.js';
import type { ControllerCapability, NodeCapability, PluginCapability } from './types.js';

/** Upstream's kubelet gives CSI node operations 2 minutes (csiTimeout). */
export const DEFAULT_CSI_TIMEOUT_MS = 2 * 60_000;

// A restarted driver pod is back within seconds; gRPC's default reconnect backoff grows to 2 minutes.
const MAX_RECONNECT_BACKOFF_MS = 2_000;

/** Go's names of the gRPC codes, as every CSI sidecar and the kubelet print them. */
const GO_CODE_NAMES: Record<number, string> = {
  [grpc.status.OK]: 'OK', [grpc.status.CANCELLED]: 'Canceled', [grpc.status.UNKNOWN]: 'Unknown',
  [grpc.status.INVALID_ARGUMENT]: 'InvalidArgument', [grpc.status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [grpc.status.NOT_FOUND]: 'NotFound', [grpc.status.ALREADY_EXISTS]: 'AlreadyExists',
  [grpc.status.PERMISSION_DENIED]: 'PermissionDenied', [grpc.status.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [grpc.status.FAILED_PRECONDITION]: 'FailedPrecondition', [grpc.status.ABORTED]: 'Aborted',
  [grpc.status.OUT_OF_RANGE]: 'OutOfRange', [grpc.status.UNIMPLEMENTED]: 'Unimplemented',
  [grpc.status.INTERNAL]: 'Internal', [grpc.status.UNAVAILABLE]: 'Unavailable', [grpc.status.DATA_LOSS]: 'DataLoss',
  [grpc.status.UNAUTHENTICATED]: 'Unauthenticated',
};

/** A CSI (or plugin-registration) call that failed; `code` is the gRPC status. */
export class CsiError extends Error {
  constructor(readonly endpoint: string, readonly method: string, readonly code: grpc.status, readonly details: string) {
    super(`rpc error: code = ${GO_CODE_NAMES[code] ?? code} desc = ${details}`);
    this.name = 'CsiError';
  }

  /** Nothing answered on the socket: no listener there, or no reply before the deadline. */
  get unreachable(): boolean {
    return this.code === grpc.status.UNAVAILABLE || this.code === grpc.status.DEADLINE_EXCEEDED;
  }

  /** The driver does not implement the method (an OPTIONAL RPC). */
  get unimplemented(): boolean {
    return this.code === grpc.status.UNIMPLEMENTED;
  }
}

export function isCsiError(err: unknown, code?: grpc.status): err is CsiError {
  return err instanceof CsiError && (code === undefined || err.code === code);
}

export interface CsiCallOptions {
  /** Deadline of this call; defaults to the client's. */
  timeoutMs?: number;
}

export interface CsiClientOptions {
  /** Deadline of each call unless the call says otherwise. */
  timeoutMs?: number;
}

type AnyDefinition = IdentityDefinition | ControllerDefinition | NodeDefinition | RegistrationDefinition;
type Callback = (err: grpc.ServiceError | null, response: unknown) => void;
type UnaryMethod = (request: object, options: grpc.CallOptions, callback: Callback) => void;
type Stub = grpc.Client & Record<string, UnaryMethod>;

/** A method's request as a caller may send it, and its response as the loader decodes it. */
export type RequestOf<M> = M extends protoLoader.MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
export type ResponseOf<M> = M extends protoLoader.MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

/** One gRPC service of a plugin socket, with typed unary calls by their proto method name. */
export class CsiService<D extends AnyDefinition> {
  constructor(private readonly stub: Stub, readonly endpoint: string, private readonly timeoutMs: number) {}

  call<M extends keyof D & string>(method: M, request: RequestOf<D[M]>, opts: CsiCallOptions = {}): Promise<ResponseOf<D[M]>> {
    const deadline = Date.now() + (opts.timeoutMs ?? this.timeoutMs);
    return new Promise((resolve, reject) => {
      this.stub[method](request as object, { deadline }, (err, response) => {
        if (err) reject(new CsiError(this.endpoint, method, err.code, err.details || err.message));
        else resolve(response as ResponseOf<D[M]>);
      });
    });
  }
}

function channelOptions(): grpc.ChannelOptions {
  return { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS };
}

/**
 * A CSI driver's socket. The three services share one channel (one connection), as upstream's
 * clients do. `close()` releases it.
 */
export class CsiClient {
  readonly identity: CsiService<IdentityDefinition>;
  readonly controller: CsiService<ControllerDefinition>;
  readonly node: CsiService<NodeDefinition>;
  private readonly channelOwner: grpc.Client;

  constructor(readonly endpoint: string, opts: CsiClientOptions = {}) {
    const pkg = csiPackage();
    const target = csiTarget(endpoint);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_CSI_TIMEOUT_MS;
    const identity = new pkg.Identity(target, grpc.credentials.createInsecure(), channelOptions()) as unknown as Stub;
    // The other stubs reuse the first one's channel.
    const shared = { channelOverride: identity.getChannel() } as grpc.ClientOptions;
    const controller = new pkg.Controller(target, grpc.credentials.createInsecure(), shared) as unknown as Stub;
    const node = new pkg.Node(target, grpc.credentials.createInsecure(), shared) as unknown as Stub;
    this.channelOwner = identity;
    this.identity = new CsiService(identity, endpoint, timeoutMs);
    this.controller = new CsiService(controller, endpoint, timeoutMs);
    this.node = new CsiService(node, endpoint, timeoutMs);
  }

  /** The Identity service's plugin capabilities (CONTROLLER_SERVICE, VOLUME_ACCESSIBILITY_CONSTRAINTS, ...). */
  async pluginCapabilities(opts?: CsiCallOptions): Promise<Set<PluginCapability>> {
    const res = await this.identity.call('GetPluginCapabilities', {}, opts);
    const caps = new Set<PluginCapability>();
    for (const c of res.capabilities) if (c.service) caps.add(c.service.type);
    return caps;
  }

  /** The Controller service's RPC capabilities (CREATE_DELETE_VOLUME, PUBLISH_UNPUBLISH_VOLUME, ...). */
  async controllerCapabilities(opts?: CsiCallOptions): Promise<Set<ControllerCapability>> {
    const res = await this.controller.call('ControllerGetCapabilities', {}, opts);
    const caps = new Set<ControllerCapability>();
    for (const c of res.capabilities) if (c.rpc) caps.add(c.rpc.type);
    return caps;
  }

  /** The Node service's RPC capabilities (STAGE_UNSTAGE_VOLUME, GET_VOLUME_STATS, EXPAND_VOLUME, ...). */
  async nodeCapabilities(opts?: CsiCallOptions): Promise<Set<NodeCapability>> {
    const res = await this.node.call('NodeGetCapabilities', {}, opts);
    const caps = new Set<NodeCapability>();
    for (const c of res.capabilities) if (c.rpc) caps.add(c.rpc.type);
    return caps;
  }

  close(): void {
    // The three stubs share one channel: closing it once closes them all.
    this.channelOwner.close();
  }
}

/** The plugin-registration service a plugin serves on its socket in the kubelet's plugins_registry dir. */
export class RegistrationClient {
  readonly registration: CsiService<RegistrationDefinition>;
  private readonly stub: grpc.Client;

  constructor(readonly endpoint: string, opts: CsiClientOptions = {}) {
    const pkg = registrationPackage();
    const stub = new pkg.Registration(csiTarget(endpoint), grpc.credentials.createInsecure(), channelOptions()) as unknown as Stub;
    this.stub = stub;
    this.registration = new CsiService(stub, endpoint, opts.timeoutMs ?? DEFAULT_CSI_TIMEOUT_MS);
  }

  close(): void {
    this.stub.close();
  }
}
