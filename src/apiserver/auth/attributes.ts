// What the authorizer is asked about a request: its RequestInfo, except that a namespace object is
// also "in" itself (upstream's RequestInfoFactory sets the namespace of /api/v1/namespaces/NAME to
// NAME), so a RoleBinding granting `get namespaces` lets a user read its own namespace.
import type { RequestInfo } from '../request-info.js';
import type { Attributes } from './rbac/rules.js';

export function requestAttributes(ri: RequestInfo): Attributes {
  if (!ri.isResourceRequest) return ri;
  if (ri.group === '' && ri.resource === 'namespaces' && ri.name && !ri.namespace) return { ...ri, namespace: ri.name };
  return ri;
}
