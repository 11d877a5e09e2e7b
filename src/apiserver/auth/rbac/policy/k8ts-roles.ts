// Roles of k8ts's own node-side components, as k3s's system:k3s-controller: the agent's cluster
// DNS, ingress controller and NetworkPolicy enforcer act as the user `system:k8ts-controller`,
// with exactly what they read and write (src/dns, src/ingress, src/netpol).
import type { ClusterRole, ClusterRoleBinding } from '../../../../api/types/generated.js';
import { clusterRole, clusterRoleBinding, rule, users } from './rule.js';

export const K8TS_CONTROLLER = 'system:k8ts-controller';

export function k8tsClusterRoles(): ClusterRole[] {
  return [
    clusterRole(K8TS_CONTROLLER, [
      // DNS: services, their slices and namespaces; each node publishes its own DNS EndpointSlice
      // (owned by its Node) in kube-system.
      rule(['list', 'watch'], [''], ['services', 'namespaces']),
      rule(['get'], [''], ['nodes']),
      rule(['list', 'watch', 'get', 'create', 'update'], ['discovery.k8s.io'], ['endpointslices']),
      // Ingress: Ingresses, their classes, the TLS Secrets they name; status.loadBalancer; Warning Events.
      rule(['list', 'watch'], ['networking.k8s.io'], ['ingresses', 'ingressclasses']),
      rule(['patch'], ['networking.k8s.io'], ['ingresses/status']),
      rule(['list', 'watch'], [''], ['secrets']),
      rule(['create', 'patch'], [''], ['events']),
      // NetworkPolicy enforcer: policies, pods and namespaces (labels) to program the filters.
      rule(['list', 'watch'], ['networking.k8s.io'], ['networkpolicies']),
      rule(['list', 'watch'], [''], ['pods']),
    ]),
  ];
}

export function k8tsClusterRoleBindings(): ClusterRoleBinding[] {
  return [clusterRoleBinding(K8TS_CONTROLLER, users(K8TS_CONTROLLER))];
}
