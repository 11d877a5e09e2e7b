// What an authorizer is asked (upstream's authorizer.Attributes): a request's verb and what it
// addresses, or an access review's free-form equivalent (any verb: `escalate`, `impersonate`, ...).
import type { RequestInfo } from '../request-info.js';

export type Attributes =
  | { isResourceRequest: true; verb: string; group: string; resource: string; subresource: string; name: string; namespace: string;
    /** A list's or watch's field selector (upstream authorizes with it: a node lists only its own pods). */
    fieldSelector?: string }
  | { isResourceRequest: false; verb: string; path: string };

/** Connect subresources (exec, attach, portforward, proxy) are authorized by HTTP method, as upstream. */
const METHOD_VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', OPTIONS: 'get' };

/**
 * A request's attributes: its RequestInfo, except that a namespace object is also "in" itself
 * (upstream's RequestInfoFactory sets the namespace of /api/v1/namespaces/NAME to NAME), so a
 * RoleBinding granting `get namespaces` lets a user read its own namespace; and a connect request
 * has its method's verb (`create pods/exec` for a POST, `get pods/exec` for a WebSocket GET).
 */
export function requestAttributes(ri: RequestInfo, method: string): Attributes {
  if (!ri.isResourceRequest) return ri;
  const verb = ri.verb === 'connect' ? METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase() : ri.verb;
  const namespace = ri.group === '' && ri.resource === 'namespaces' && ri.name && !ri.namespace ? ri.name : ri.namespace;
  return { isResourceRequest: true, verb, group: ri.group, resource: ri.resource, subresource: ri.subresource, name: ri.name, namespace, ...(ri.fieldSelector ? { fieldSelector: ri.fieldSelector } : {}) };
}
