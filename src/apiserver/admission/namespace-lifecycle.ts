// NamespaceLifecycle: no new content in a namespace that does not exist or is terminating, and
// the system namespaces cannot be deleted.
import { ForbiddenError, NotFoundError, StatusError } from '../../api/errors.js';
import type { Registry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export function namespaceLifecycle(registry: () => Registry): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    validate(a: AdmissionAttributes): void {
      if (a.resource.group === '' && a.resource.resource === 'namespaces') {
        if (a.operation === 'DELETE' && IMMORTAL_NAMESPACES.includes(a.name)) {
          throw new ForbiddenError(`namespaces "${a.name}" is forbidden: this namespace may not be deleted`, { group: '', resource: 'namespaces', name: a.name });
        }
        return;
      }
      if (!a.resource.namespaced || a.operation !== 'CREATE') return;
      const ns = registry().get('', 'namespaces').getCached('', a.namespace);
      if (!ns) throw new NotFoundError({ group: '', resource: 'namespaces', name: a.namespace });
      if (ns.object.metadata.deletionTimestamp || (ns.object.status as { phase?: string } | undefined)?.phase === 'Terminating') {
        throw new StatusError(403, 'Forbidden',
          `${a.resource.resource}${a.resource.group ? '.' + a.resource.group : ''} "${a.object?.metadata.name ?? a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`,
          { name: a.object?.metadata.name ?? a.name, kind: a.resource.resource, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }] });
      }
    },
  };
}
