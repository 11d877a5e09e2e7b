// Services: cluster IPs and node ports are allocated by the server; status is the load balancer's.
import { coreDefaults } from '../../../api/defaults/core.js';
import { InvalidError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { serviceRules } from '../../../api/validation/service.js';
import type { ResourceStrategy } from '../strategy.js';
import type { ServiceAllocator } from './service-allocator.js';

export function serviceStrategy(allocator: ServiceAllocator): ResourceStrategy {
  const fail = (svc: KubeObject, errors: ReturnType<ServiceAllocator['allocateForCreate']>) => {
    if (errors.length) throw new InvalidError('Service', svc.metadata.name ?? '', '', errors);
  };
  return {
    defaults: coreDefaults.Service,
    rules: serviceRules,
    fieldSelectors: {
      'spec.clusterIP': o => o.spec?.clusterIP,
      'spec.type': o => o.spec?.type,
    },
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
      fail(obj, allocator.allocateForCreate(obj));
    },
    prepareForUpdate(obj, old) {
      obj.status = old.status;
      fail(obj, allocator.allocateForUpdate(obj, old));
    },
  };
}
