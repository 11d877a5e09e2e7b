// Roles of k8ts's own node-side components, as k3s's system:k3s-controller: the agent's cluster
// DNS, ingress controller, NetworkPolicy enforcer and pod network routes act as the user
// `system:k8ts-controller`, with exactly what they read and write (src/dns, src/ingress, src/netpol,
// src/local-path, src/agent/pod-routes.ts). The scheduler gets
// upstream's roles plus what k8ts's reads besides. Bootstrap tokens get kubeadm's bindings; metrics-server's
// aggregated reader role comes with the built-in metrics API.
import type { ClusterRole, ClusterRoleBinding } from '../../../../api/types/generated.js';
import { clusterRole, clusterRoleBinding, groups, rule, serviceAccount, urls, users } from './rule.js';

export const K8TS_CONTROLLER = 'system:k8ts-controller';
/** What k8ts's scheduler reads beyond upstream's system:kube-scheduler: PriorityClasses (a pod's priority when admission left it unset). */
export const K8TS_SCHEDULER = 'system:k8ts-kube-scheduler';
export const K8TS_LOG_READER = 'system:k8ts-log-reader';
export const K8TS_LOG_SHIPPER = 'system:k8ts-log-shipper';
export const K8TS_CERTIFICATE_APPROVER = 'system:k8ts-certificate-approver';
export const AGGREGATED_METRICS_READER = 'system:aggregated-metrics-reader';

export function k8tsClusterRoles(): ClusterRole[] {
  return [
    clusterRole(K8TS_CONTROLLER, [
      // DNS: services, their slices and namespaces; each node publishes its own DNS EndpointSlice
      // (owned by its Node) in kube-system.
      rule(['list', 'watch'], [''], ['services', 'namespaces']),
      rule(['get'], [''], ['nodes']),
      // Pod network routes (host-gw, VXLAN): every Node's pod CIDR, address and VTEP.
      rule(['list', 'watch'], [''], ['nodes']),
      rule(['list', 'watch', 'get', 'create', 'update'], ['discovery.k8s.io'], ['endpointslices']),
      // Ingress: Ingresses, their classes, the TLS Secrets they name; status.loadBalancer; Warning Events.
      rule(['list', 'watch'], ['networking.k8s.io'], ['ingresses', 'ingressclasses']),
      rule(['patch'], ['networking.k8s.io'], ['ingresses/status']),
      rule(['list', 'watch'], [''], ['secrets']),
      rule(['create', 'patch'], [''], ['events']),
      // NetworkPolicy enforcer: policies, pods and namespaces (labels) to program the filters.
      rule(['list', 'watch'], ['networking.k8s.io'], ['networkpolicies']),
      rule(['list', 'watch'], [''], ['pods']),
      // local-path provisioner: claims (and their status, for expansion), the PVs it makes,
      // resizes and deletes, and the classes that name it.
      rule(['list', 'watch'], [''], ['persistentvolumeclaims']),
      rule(['patch'], [''], ['persistentvolumeclaims/status']),
      rule(['list', 'watch', 'create', 'patch', 'delete'], [''], ['persistentvolumes']),
      rule(['list', 'watch'], ['storage.k8s.io'], ['storageclasses']),
    ]),
    clusterRole(K8TS_SCHEDULER, [rule(['list', 'watch'], ['scheduling.k8s.io'], ['priorityclasses'])]),
    // Beyond upstream's certificate-controller: k8ts's approver also approves a node's serving
    // certificate and the client certificates of its kube-proxy and k8ts-controller (as k3s signs them).
    clusterRole(K8TS_CERTIFICATE_APPROVER, [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kubelet-serving'])]),
    // The container log API (src/apiserver/handlers/logs.ts): anyone may search (results are limited
    // to namespaces where the user may get pods/log); nodes ship their containers' lines.
    clusterRole(K8TS_LOG_READER, [urls(['get'], ['/logs/v1/search'])]),
    clusterRole(K8TS_LOG_SHIPPER, [urls(['get'], ['/logs/v1/offsets']), urls(['post'], ['/logs/v1/ingest'])]),
    // The built-in metrics API (src/apiserver/metrics-api): metrics-server's reader role, aggregated
    // into view, edit and admin so whoever may read pods may also `kubectl top` them.
    clusterRole(AGGREGATED_METRICS_READER, [rule(['get', 'list', 'watch'], ['metrics.k8s.io'], ['pods', 'nodes'])], {
      labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
    }),
  ];
}

export function k8tsClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding(K8TS_CONTROLLER, users(K8TS_CONTROLLER)),
    clusterRoleBinding(K8TS_SCHEDULER, users('system:kube-scheduler')),
    clusterRoleBinding(K8TS_CERTIFICATE_APPROVER, [serviceAccount('kube-system', 'certificate-controller')]),
    // Joining with a bootstrap token, as kubeadm sets it up: the token may ask for a node client
    // certificate, which is approved on its own; a node may renew its certificate the same way.
    clusterRoleBinding('system:node-bootstrapper', groups('system:bootstrappers'), 'k8ts:kubelet-bootstrap'),
    clusterRoleBinding('system:certificates.k8s.io:certificatesigningrequests:nodeclient', groups('system:bootstrappers'), 'k8ts:node-autoapprove-bootstrap'),
    clusterRoleBinding('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', groups('system:nodes'), 'k8ts:node-autoapprove-certificate-rotation'),
    clusterRoleBinding(K8TS_LOG_READER, groups('system:authenticated')),
    clusterRoleBinding(K8TS_LOG_SHIPPER, groups('system:nodes')),
  ];
}
