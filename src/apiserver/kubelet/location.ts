// Where a streaming subresource lives on a kubelet: pods/log, pods/exec, pods/attach,
// pods/portforward and nodes/proxy become a path on the pod's node's kubelet, with upstream's
// validation (pkg/registry/core/pod/strategy.go: LogLocation, streamLocation, PortForwardLocation;
// pkg/registry/core/node: ResourceLocation).
import { BadRequestError, FieldError, fieldErrors, InternalError, InvalidError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types/generated.js';

/** Reads the objects a location depends on; throws NotFound like the store does. */
export interface ObjectSource {
  pod(namespace: string, name: string): Pod;
  node(name: string): Node;
}

export interface KubeletLocation {
  host: string;
  port: number;
  /** Path and query on the kubelet, e.g. `/exec/ns/pod/c?command=sh&stdout=1`. */
  path: string;
}

/** Like k3s (`--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname`): nodes here are
 *  addressed by IP, and a node's hostname need not resolve from the API server. */
const PREFERRED_ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname'];
/** Upstream's default kubelet port, used when a node does not report one. */
export const DEFAULT_KUBELET_PORT = 10250;

export class NoNodeAddressError extends InternalError {
  constructor(known: string) { super(`no preferred addresses found; known addresses: [${known}]`); }
}

/** The kubelet endpoint a node reports. */
export function nodeEndpoint(node: Node): { host: string; port: number } {
  const addresses = node.status?.addresses ?? [];
  for (const type of PREFERRED_ADDRESS_TYPES) {
    const found = addresses.find(a => a.type === type && a.address);
    if (found) {
      const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
      return { host: found.address, port: port > 0 ? port : DEFAULT_KUBELET_PORT };
    }
  }
  throw new NoNodeAddressError(addresses.map(a => `{${a.type} ${a.address}}`).join(' '));
}

/** Upstream's validateContainer: a named container must exist; no name means the only container. */
export function podContainer(pod: Pod, container: string): string {
  const names = [
    ...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? []),
  ].map(c => c.name);
  const name = pod.metadata?.name ?? '';
  if (container) {
    if (!names.includes(container)) throw new BadRequestError(`container ${container} is not valid for pod ${name}`);
    return container;
  }
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) throw new BadRequestError(`a container name must be specified for pod ${name}`);
  // Go prints the []string as `[a b c]`.
  throw new BadRequestError(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
}

/**
 * pods/log: the kubelet's containerLogs path, or undefined when the pod has no node yet (upstream
 * then serves an empty log).
 */
export function podLogLocation(src: ObjectSource, namespace: string, name: string, q: URLSearchParams): KubeletLocation | undefined {
  const opts = podLogOptions(name, q);
  const pod = src.pod(namespace, name);
  const container = podContainer(pod, q.get('container') ?? '');
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) return undefined;
  const params = new URLSearchParams();
  if (opts.follow) params.append('follow', 'true');
  if (opts.previous) params.append('previous', 'true');
  if (opts.timestamps) params.append('timestamps', 'true');
  if (opts.sinceSeconds !== undefined) params.append('sinceSeconds', String(opts.sinceSeconds));
  if (opts.sinceTime !== undefined) params.append('sinceTime', opts.sinceTime);
  if (opts.tailLines !== undefined) params.append('tailLines', String(opts.tailLines));
  if (opts.limitBytes !== undefined) params.append('limitBytes', String(opts.limitBytes));
  return at(src.node(nodeName), `/containerLogs/${seg(namespace)}/${seg(name)}/${seg(container)}`, params);
}

export interface PodLogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  /** RFC 3339, seconds precision (as upstream re-encodes it). */
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

/** Decodes and validates PodLogOptions from the query (upstream's ValidatePodLogOptions). */
export function podLogOptions(name: string, q: URLSearchParams): PodLogOptions {
  const opts: PodLogOptions = { follow: bool(q, 'follow'), previous: bool(q, 'previous'), timestamps: bool(q, 'timestamps') };
  // insecureSkipTLSVerifyBackend is always in effect: kubelet serving certificates are never verified.
  bool(q, 'insecureSkipTLSVerifyBackend');
  const sinceSeconds = int(q, 'sinceSeconds');
  if (sinceSeconds !== undefined) opts.sinceSeconds = sinceSeconds;
  const tailLines = int(q, 'tailLines');
  if (tailLines !== undefined) opts.tailLines = tailLines;
  const limitBytes = int(q, 'limitBytes');
  if (limitBytes !== undefined) opts.limitBytes = limitBytes;
  const sinceTime = q.get('sinceTime');
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (!/^\d{4}-\d\d-\d\dT/.test(sinceTime) || Number.isNaN(t)) {
      throw new BadRequestError(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"`);
    }
    opts.sinceTime = new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errs.push(fieldErrors.invalid('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errs.push(fieldErrors.invalid('limitBytes', opts.limitBytes, 'must be greater than 0'));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(fieldErrors.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(fieldErrors.invalid('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (errs.length) throw new InvalidError('PodLogOptions', name, '', errs);
  return opts;
}

export type StreamSubresource = 'exec' | 'attach' | 'portforward';

/** pods/exec, pods/attach, pods/portforward: the kubelet's streaming path with re-encoded options. */
export function podStreamLocation(src: ObjectSource, sub: StreamSubresource, namespace: string, name: string, q: URLSearchParams): KubeletLocation {
  const pod = src.pod(namespace, name);
  const params = new URLSearchParams();
  let path: string;
  if (sub === 'portforward') {
    const ports = q.getAll('ports').flatMap(p => p.split(',')).filter(Boolean);
    for (const p of ports) {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new BadRequestError(`strconv.ParseInt: parsing "${p}": invalid syntax`);
    }
    if (ports.length) params.append('port', ports.join(','));
    path = `/portForward/${seg(namespace)}/${seg(name)}`;
  } else {
    const container = podContainer(pod, q.get('container') ?? '');
    for (const flag of ['stdin', 'stdout', 'stderr', 'tty']) if (bool(q, flag)) params.append(flag, '1');
    if (sub === 'exec') for (const c of q.getAll('command')) params.append('command', c);
    path = `/${sub}/${seg(namespace)}/${seg(name)}/${seg(container)}`;
  }
  if (!pod.spec?.nodeName) throw new BadRequestError(`pod ${name} does not have a host assigned`);
  return at(src.node(pod.spec.nodeName), path, params);
}

/** nodes/NAME/proxy/PATH → the same PATH on the node's kubelet (query kept as sent). */
export function nodeProxyLocation(src: ObjectSource, name: string, rawPath: string, rawQuery: string): KubeletLocation {
  const { host, port } = nodeEndpoint(src.node(name));
  return { host, port, path: (rawPath || '/') + (rawQuery ? `?${rawQuery}` : '') };
}

function at(node: Node, path: string, params: URLSearchParams): KubeletLocation {
  const { host, port } = nodeEndpoint(node);
  const query = params.toString();
  return { host, port, path: query ? `${path}?${query}` : path };
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

/** Go's strconv.ParseBool; anything else is a 400 as upstream's query decoding reports it. */
function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new BadRequestError(`strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw new BadRequestError(`strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}
