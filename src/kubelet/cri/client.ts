// Typed promise clients for a CRI v1 runtime (containerd) on a unix socket: RuntimeClient for pod
// sandboxes and containers, ImageClient for images. Every failed call rejects with a CriError
// carrying the gRPC status code, so callers can tell "not found" from real failures.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from './generated/api.js';
import type { ImageServiceDefinition } from './generated/runtime/v1/ImageService.js';
import type { RuntimeServiceDefinition } from './generated/runtime/v1/RuntimeService.js';
import { CRI_LOADER_OPTIONS } from './loader-options.js';
import type {
  AttachRequest, AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter,
  ContainerStatus, ContainerStatusResponse, ExecRequest, ExecSyncResponse, Image, ImageFsInfoResponse, ImageSpec,
  LinuxContainerResources, PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStatus, PodSandboxStatusResponse,
  StatusResponse, VersionResponse,
} from './types.js';

// The .proto ships in the package's source tree; compiled code lives under dist/, four levels
// below the package root (dist/src/kubelet/cri/client.js).
export const CRI_PROTO_PATH = fileURLToPath(new URL('../../../../src/kubelet/cri/api.proto', import.meta.url));

/** The CRI version string a kubelet sends in VersionRequest. */
export const CRI_API_VERSION = 'v1';

/** Upstream kubelet's default --runtime-request-timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 2 * 60_000;

// Pulls have no fixed bound upstream (progress-based); a large image over a slow link takes long.
const PULL_TIMEOUT_MS = 30 * 60_000;

// Upstream's remote runtime client allows 16 MiB messages (large ExecSync output, long lists);
// gRPC's own default of 4 MiB would reject them.
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const MAX_RECONNECT_BACKOFF_MS = 2_000;

/** A CRI call that failed; `code` is the gRPC status (grpc.status.NOT_FOUND, ...). */
export class CriError extends Error {
  constructor(readonly method: string, readonly code: grpc.status, readonly details: string) {
    super(`CRI ${method}: ${grpc.status[code] ?? code}: ${details}`);
    this.name = 'CriError';
  }

  get notFound(): boolean {
    return this.code === grpc.status.NOT_FOUND;
  }
}

export function isCriNotFound(err: unknown): boolean {
  return err instanceof CriError && err.notFound;
}

export interface CriClientOptions {
  /** Deadline for each call (except pulls and ExecSync, which have their own). */
  requestTimeoutMs?: number;
  /** Told of every call when it ends (the kubelet's runtime operation series). */
  observer?: CriCallObserver;
}

/** `method` is the CRI method ("RunPodSandbox"); `startedMs` a performance.now() reading. */
export type CriCallObserver = (method: string, startedMs: number, failed: boolean) => void;

type Callback = (err: grpc.ServiceError | null, response: unknown) => void;
type UnaryMethod = (request: object, options: grpc.CallOptions, callback: Callback) => void;
type ServiceStub = grpc.Client & Record<string, UnaryMethod>;
type ServiceName = 'RuntimeService' | 'ImageService';
type ServiceDefinition = RuntimeServiceDefinition | ImageServiceDefinition;

// A method's request as the kubelet may send it and its response as the loader decodes it, read
// from the generated service definition.
type RequestOf<M> = M extends protoLoader.MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
type ResponseOf<M> = M extends protoLoader.MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

let services: ProtoGrpcType['runtime']['v1'] | undefined;

function serviceConstructor(name: ServiceName): grpc.ServiceClientConstructor {
  if (!services) {
    const definition = protoLoader.loadSync(CRI_PROTO_PATH, CRI_LOADER_OPTIONS);
    services = (grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType).runtime.v1;
  }
  return services[name] as unknown as grpc.ServiceClientConstructor;
}

/** `unix:///run/containerd/containerd.sock` or a bare socket path → a gRPC target. */
export function criTarget(endpoint: string): string {
  if (endpoint.startsWith('unix:')) return endpoint;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new Error(`CRI endpoint must be a unix socket (unix:///path or /path), got ${JSON.stringify(endpoint)}`);
}

abstract class CriService<D extends ServiceDefinition> {
  private readonly stub: ServiceStub;
  protected readonly timeoutMs: number;
  private readonly observer?: CriCallObserver;

  protected constructor(service: ServiceName, endpoint: string, opts: CriClientOptions) {
    const Ctor = serviceConstructor(service);
    this.stub = new Ctor(criTarget(endpoint), grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      // A restarted containerd is back within seconds; gRPC's default backoff grows to 2 minutes.
      'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
    }) as ServiceStub;
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.observer = opts.observer;
  }

  /** Calls `method`; `timeoutMs` null means no deadline. */
  protected call<M extends keyof D & string>(method: M, request: RequestOf<D[M]>, timeoutMs: number | null = this.timeoutMs): Promise<ResponseOf<D[M]>> {
    const options: grpc.CallOptions = timeoutMs === null ? {} : { deadline: Date.now() + timeoutMs };
    const started = performance.now();
    return new Promise((resolve, reject) => {
      this.stub[method](request as object, options, (err, response) => {
        this.observer?.(method, started, !!err);
        if (err) reject(new CriError(method, err.code, err.details || err.message));
        else resolve(response as ResponseOf<D[M]>);
      });
    });
  }

  close(): void {
    this.stub.close();
  }
}

export class RuntimeClient extends CriService<RuntimeServiceDefinition> {
  constructor(endpoint: string, opts: CriClientOptions = {}) {
    super('RuntimeService', endpoint, opts);
  }

  version(timeoutMs?: number): Promise<VersionResponse> {
    return this.call('Version', { version: CRI_API_VERSION }, timeoutMs);
  }

  status(verbose = false): Promise<StatusResponse> {
    return this.call('Status', { verbose });
  }

  // ---- pod sandboxes ----

  /** Returns the new sandbox's id. */
  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const res = await this.call('RunPodSandbox', { config, runtimeHandler });
    return res.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call('StopPodSandbox', { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call('RemovePodSandbox', { podSandboxId });
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    return required('PodSandboxStatus', (await this.podSandboxStatusVerbose(podSandboxId, false)).status);
  }

  /** The full response; with verbose, `info` holds runtime details (e.g. the sandbox's pid, netns). */
  podSandboxStatusVerbose(podSandboxId: string, verbose = true): Promise<PodSandboxStatusResponse> {
    return this.call('PodSandboxStatus', { podSandboxId, verbose });
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return (await this.call('ListPodSandbox', { filter })).items;
  }

  // ---- containers ----

  /** Returns the new container's id. */
  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const res = await this.call('CreateContainer', { podSandboxId, config, sandboxConfig });
    return res.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call('StartContainer', { containerId });
  }

  /** Sends the stop signal, then kills after `timeoutSeconds` (0: at once). */
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    // The runtime waits out the grace period inside the call, so the deadline must outlast it.
    await this.call('StopContainer', { containerId, timeout: timeoutSeconds }, timeoutSeconds * 1000 + this.timeoutMs);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call('RemoveContainer', { containerId });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return (await this.call('ListContainers', { filter })).containers;
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return required('ContainerStatus', (await this.containerStatusVerbose(containerId, false)).status);
  }

  /** The full response; with verbose, `info` holds runtime details (e.g. the container's pid). */
  containerStatusVerbose(containerId: string, verbose = true): Promise<ContainerStatusResponse> {
    return this.call('ContainerStatus', { containerId, verbose });
  }

  async updateContainerResources(containerId: string, linux: LinuxContainerResources): Promise<void> {
    await this.call('UpdateContainerResources', { containerId, linux });
  }

  /** Makes the runtime reopen the container's log file at its logPath, after the kubelet rotated it. */
  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call('ReopenContainerLog', { containerId });
  }

  // ---- exec, attach, port-forward ----

  /** Runs `cmd` in the container and collects its output; `timeoutSeconds` 0 means no limit. */
  execSync(containerId: string, cmd: string[], timeoutSeconds = 0): Promise<ExecSyncResponse> {
    // As upstream: the command's own timeout plus the request timeout, or no deadline at all.
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + this.timeoutMs : null;
    return this.call('ExecSync', { containerId, cmd, timeout: timeoutSeconds }, deadline);
  }

  /** Returns the runtime's streaming URL for the exec session. */
  async exec(request: ExecRequest): Promise<string> {
    return (await this.call('Exec', request)).url;
  }

  /** Returns the runtime's streaming URL for the attach session. */
  async attach(request: AttachRequest): Promise<string> {
    return (await this.call('Attach', request)).url;
  }

  /** Returns the runtime's streaming URL for forwarding ports of the sandbox. */
  async portForward(podSandboxId: string, ports: number[] = []): Promise<string> {
    return (await this.call('PortForward', { podSandboxId, port: ports })).url;
  }

  // ---- stats ----

  async containerStats(containerId: string): Promise<ContainerStats> {
    return required('ContainerStats', (await this.call('ContainerStats', { containerId })).stats);
  }

  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    return (await this.call('ListContainerStats', { filter })).stats;
  }
}

export class ImageClient extends CriService<ImageServiceDefinition> {
  constructor(endpoint: string, opts: CriClientOptions = {}) {
    super('ImageService', endpoint, opts);
  }

  async listImages(filter?: ImageSpec): Promise<Image[]> {
    return (await this.call('ListImages', { filter: filter ? { image: filter } : undefined })).images;
  }

  /** The image, or null when the runtime does not have it (CRI reports absence this way, not as an error). */
  async imageStatus(image: string | ImageSpec): Promise<Image | null> {
    return (await this.call('ImageStatus', { image: imageSpec(image) })).image;
  }

  /** Pulls the image and returns its reference (the image id). */
  async pullImage(image: string | ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const res = await this.call('PullImage', { image: imageSpec(image), auth, sandboxConfig }, PULL_TIMEOUT_MS);
    return res.imageRef;
  }

  async removeImage(image: string | ImageSpec): Promise<void> {
    await this.call('RemoveImage', { image: imageSpec(image) });
  }

  imageFsInfo(): Promise<ImageFsInfoResponse> {
    return this.call('ImageFsInfo', {});
  }
}

function imageSpec(image: string | ImageSpec): ImageSpec {
  return typeof image === 'string' ? { image } : image;
}

// A status call that succeeded without a status is a runtime bug; report it like a missing object.
function required<T>(method: string, value: T | null): T {
  if (value === null) throw new CriError(method, grpc.status.NOT_FOUND, 'runtime returned no status');
  return value;
}
