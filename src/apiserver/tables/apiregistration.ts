// apiregistration.k8s.io/v1 APIServices, as kube-aggregator's own table: where the API is served
// (a Service, or Local) and whether it is available, with the reason when it is not.
import { findCondition } from '../../api/conditions.js';
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import type { Obj, Printer } from './types.js';

function available(o: Obj): string {
  const c = findCondition(o.status?.conditions, 'Available');
  if (!c) return 'Unknown';
  return c.status !== 'True' && c.reason ? `${c.status} (${c.reason})` : c.status;
}

export const apiServicePrinter: Printer = {
  columns: [
    nameCol(),
    col('Service', 'The reference to the service that hosts this API endpoint.'),
    col('Available', 'Whether this service is available.'),
    ageCol(),
  ],
  cells(o, now) {
    const svc = o.spec?.service;
    return [o.metadata?.name ?? '', svc ? `${svc.namespace ?? ''}/${svc.name ?? ''}` : 'Local', available(o), since(o.metadata?.creationTimestamp, now)];
  },
};
