// The subresources the API server serves by talking to a kubelet: pods/log (a streamed GET),
// pods/exec|attach|portforward (HTTP upgrades: SPDY or WebSocket, relayed byte for byte) and
// nodes/proxy (any request, passed through).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BadRequestError, MethodNotAllowedError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types/generated.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceRequest } from '../request-info.js';
import { nodeProxyLocation, podLogLocation, podStreamLocation, type ObjectSource, type StreamSubresource } from './location.js';
import type { KubeletProxy } from './proxy.js';

const POD_STREAMS = new Set<string>(['exec', 'attach', 'portforward']);

/** Whether a resource request is one of the kubelet-backed subresources. */
export function isKubeletSubresource(ri: ResourceRequest): boolean {
  if (ri.group !== '' || ri.version !== 'v1' || !ri.name) return false;
  if (ri.resource === 'pods') return ri.subresource === 'log' || POD_STREAMS.has(ri.subresource);
  return ri.resource === 'nodes' && ri.subresource === 'proxy';
}

export function registrySource(registry: Registry): ObjectSource {
  return {
    pod: (namespace, name) => registry.get('', 'pods').get(namespace, name) as unknown as Pod,
    node: name => registry.get('', 'nodes').get('', name) as unknown as Node,
  };
}

/** A plain (non-upgrade) request for a kubelet-backed subresource. */
export async function serveKubeletRequest(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, url: URL, src: ObjectSource, proxy: KubeletProxy): Promise<void> {
  if (ri.resource === 'nodes') return proxy.proxy(req, res, nodeProxyLocation(src, ri.name, proxyPath(url, ri), url.search.slice(1)));
  if (ri.subresource === 'log') {
    if (req.method !== 'GET') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
    const loc = podLogLocation(src, ri.namespace, ri.name, url.searchParams);
    if (!loc) {
      // No node yet: upstream streams an empty log.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    return proxy.streamLog(req, res, loc, ri.name);
  }
  // exec/attach/portforward only make sense as a connection upgrade.
  throw new BadRequestError('Upgrade request required');
}

/** An upgrade request (WebSocket or SPDY) for exec, attach, port-forward or node proxy. */
export async function serveKubeletUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ri: ResourceRequest, url: URL, src: ObjectSource, proxy: KubeletProxy): Promise<void> {
  if (ri.resource === 'nodes') return proxy.upgrade(req, socket, head, nodeProxyLocation(src, ri.name, proxyPath(url, ri), url.search.slice(1)));
  if (!POD_STREAMS.has(ri.subresource)) throw new BadRequestError(`upgrade is not supported for pods/${ri.subresource}`);
  return proxy.upgrade(req, socket, head, podStreamLocation(src, ri.subresource as StreamSubresource, ri.namespace, ri.name, url.searchParams));
}

/** The raw path after `/api/v1/nodes/NAME/proxy`, still percent-encoded as the client sent it. */
function proxyPath(url: URL, ri: ResourceRequest): string {
  const marker = `/nodes/${encodeURIComponent(ri.name)}/proxy`;
  const at = url.pathname.indexOf(marker);
  return at < 0 ? '/' : url.pathname.slice(at + marker.length) || '/';
}
