// Where a resource request goes: its own handler for the subresources that have one (scale,
// binding, eviction), else the generic store, once the subresource and the verb are known to be
// served; unknown subresources are 404, known ones the store cannot write 405, as upstream.
import type { ResourceInfo } from '../../api/catalog.js';
import { MethodNotAllowedError, NotFoundError } from '../../api/errors.js';
import type { ResourceStrategy } from '../registry/strategy.js';
import type { ResourceRequest } from '../request-info.js';

export type ResourceRoute = 'scale' | 'binding' | 'eviction' | 'store';

export function routeResourceRequest(ri: ResourceRequest, info: ResourceInfo, strategy: ResourceStrategy): ResourceRoute {
  if (info.namespaced && !ri.namespace && ri.name) throw new NotFoundError({ group: ri.group, resource: ri.resource, name: ri.name });
  if (ri.subresource === 'scale' || ri.subresource === 'binding' || ri.subresource === 'eviction') return ri.subresource;
  const storeHandles = ri.subresource === 'status' || !!strategy.subresourceUpdates?.[ri.subresource];
  if (ri.subresource && !storeHandles) {
    const known = info.subresources.some(s => s.name === ri.subresource);
    if (!known) throw new NotFoundError({ group: ri.group, resource: `${ri.resource}/${ri.subresource}`, name: ri.name });
    throw new MethodNotAllowedError(`the server does not allow this method on the requested resource (${ri.resource}/${ri.subresource})`);
  }
  if (!allowed(info, ri)) throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  return 'store';
}

function allowed(info: ResourceInfo, ri: ResourceRequest): boolean {
  if (ri.subresource) {
    const sub = info.subresources.find(s => s.name === ri.subresource);
    return !!sub && sub.verbs.includes(ri.verb);
  }
  return info.verbs.includes(ri.verb);
}
