// What an authorizer is asked (upstream's authorizer.Attributes): a request's verb and what it
// addresses, or an access review's free-form equivalent (any verb: `escalate`, `impersonate`, ...).
import type { RequestInfo } from '../request-info.js';

export type Attributes =
  | { isResourceRequest: true; verb: string; group: string; resource: string; subresource: string; name: string; namespace: string }
  | { isResourceRequest: false; verb: string; path: string };

/**
 * A request's attributes: its RequestInfo, except that a namespace object is also "in" itself
 * (upstream's RequestInfoFactory sets the namespace of /api/v1/namespaces/NAME to NAME), so a
 * RoleBinding granting `get namespaces` lets a user read its own namespace.
 */
export function requestAttributes(ri: RequestInfo): Attributes {
  if (!ri.isResourceRequest) return ri;
  if (ri.group === '' && ri.resource === 'namespaces' && ri.name && !ri.namespace) return { ...ri, namespace: ri.name };
  return ri;
}
