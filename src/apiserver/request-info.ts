import { boolParam } from './handlers/query.js';

// Turns a request path and method into what it addresses: group/version/resource, namespace,
// name, subresource and the Kubernetes verb (as upstream's RequestInfoFactory does).

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ResourceRequest {
  isResourceRequest: true;
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
  subresource: string;
  verb: Verb;
  /** Path segments after the subresource (e.g. proxy paths). */
  rest: string[];
  /** A list's or watch's `fieldSelector` (upstream authorizes with it: a node may list only its own pods). */
  fieldSelector?: string;
}

export interface NonResourceRequest {
  isResourceRequest: false;
  path: string;
  verb: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

// `namespaces/{name}/status` and `/finalize` address the namespace itself, not a resource inside it.
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const parts = pathname.split('/').filter(Boolean);
  if (pathname.includes('%')) for (let i = 0; i < parts.length; i++) parts[i] = decodeURIComponent(parts[i]);
  const nonResource: NonResourceRequest = { isResourceRequest: false, path: pathname, verb: method.toLowerCase() };
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return nonResource;
  }

  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }

  let namespace = '';
  // `namespaces/{name}[/status|/finalize]` addresses the namespace object itself (cluster-scoped).
  if (rest[0] === 'namespaces' && rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = '', ...tail] = rest;

  const isWatch = watchPath || boolParam(query, 'watch') === true;
  let verb: Verb;
  switch (method) {
    case 'GET': case 'HEAD':
      verb = name ? (isWatch ? 'watch' : 'get') : (isWatch ? 'watch' : 'list');
      break;
    case 'POST': verb = 'create'; break;
    case 'PUT': verb = 'update'; break;
    case 'PATCH': verb = 'patch'; break;
    case 'DELETE': verb = name ? 'delete' : 'deletecollection'; break;
    default: return nonResource;
  }
  if (subresource && ['exec', 'attach', 'portforward', 'proxy'].includes(subresource)) verb = 'connect';
  if (!resource) return nonResource;
  const fieldSelector = query.get('fieldSelector') ?? undefined;
  return { isResourceRequest: true, group, version, resource, namespace, name, subresource, verb, rest: tail, ...(fieldSelector ? { fieldSelector } : {}) };
}
