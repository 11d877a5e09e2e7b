// ServiceLB: writes status.loadBalancer.ingress of the LoadBalancer Services it owns (the serving
// nodes' InternalIPs; kube-proxy on each node answers there) and a Warning Event on a Service that
// stays pending because an earlier one holds its port. Services of another loadBalancerClass are
// left alone; a Service that stopped being a LoadBalancer loses the ingress.
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { isLoadBalancer, ownsService, planServiceLB, type LbNode, type LbService } from './service-lb-plan.js';
import { jsonEqual } from '../../util/json-equal.js';

export const PORT_CONFLICT_REASON = 'PortAlreadyAllocated';

export function serviceLBController(): Controller {
  let services: Informer<LbService> | undefined;
  /** The pending reason last reported per Service, so a reason is reported once, not per reconcile. */
  const reported = new Map<string, string>();
  const allLoadBalancers = () => (services?.list() ?? []).filter(isLoadBalancer).map(s => `${s.metadata.namespace}/${s.metadata.name}`);
  return {
    name: 'servicelb',
    watches: [
      // A Service's ports are free or taken depending on the others: any change re-decides them all.
      { resource: R.services, mapTo: (s: KubeObject) => [...new Set([`${s.metadata.namespace}/${s.metadata.name}`, ...allLoadBalancers()])] },
      { resource: R.nodes, mapTo: () => allLoadBalancers() },
    ],
    async reconcile(key, ctx) {
      services ??= ctx.informer<LbService>(R.services);
      const svc = services.get(key);
      if (!svc) {
        reported.delete(key);
        return;
      }
      const current = svc.status?.loadBalancer?.ingress ?? [];
      let ingress: string[] = [];
      if (ownsService(svc)) {
        const decision = planServiceLB(services.list(), ctx.informer<LbNode>(R.nodes).list()).get(key);
        if (decision?.kind === 'serve') {
          ingress = decision.ingress;
          reported.delete(key);
        } else if (decision?.kind === 'pending' && reported.get(key) !== decision.reason) {
          reported.set(key, decision.reason);
          ctx.recorder.event({ ...svc, apiVersion: 'v1', kind: 'Service' }, 'Warning', PORT_CONFLICT_REASON, decision.reason);
        }
      } else if (isLoadBalancer(svc)) {
        return; // another implementation's Service
      }
      if (jsonEqual(current, ingress.map(ip => ({ ip, ipMode: 'VIP' })))) return;
      if (!current.length && !ingress.length) return;
      await ignoreNotFound(ctx.client.update(objectPath(R.services, svc.metadata.namespace, svc.metadata.name!, 'status'), {
        ...svc, apiVersion: 'v1', kind: 'Service',
        status: { ...svc.status, loadBalancer: ingress.length ? { ingress: ingress.map(ip => ({ ip, ipMode: 'VIP' })) } : {} },
      }));
      ctx.log('load balancer status updated', { service: key, ingress });
    },
  };
}
