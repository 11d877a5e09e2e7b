// The roles of the controller manager's controllers, each bound to its service account
// kube-system/<name> (upstream's bootstrappolicy/controller_policy.go, v1.32 default feature
// gates), plus the k8ts-only controllers in the same style.
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from '../../../../api/types/generated.js';
import { clusterRole, clusterRoleBinding, eventsRule, READ, rule, serviceAccount } from './rule.js';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';

const apps = 'apps';
const ext = 'extensions';
const batch = 'batch';
const storage = 'storage.k8s.io';
const certs = 'certificates.k8s.io';

/** Controller name (its service account in kube-system) → its rules. */
const CONTROLLER_RULES: Record<string, PolicyRule[]> = {
  'attachdetach-controller': [
    rule(['list', 'watch'], [''], ['persistentvolumes', 'persistentvolumeclaims']),
    rule(['get', 'list', 'watch'], [''], ['nodes']),
    rule(['patch', 'update'], [''], ['nodes/status']),
    rule(['list', 'watch'], [''], ['pods']),
    eventsRule(),
    rule(['get', 'create', 'delete', 'list', 'watch'], [storage], ['volumeattachments']),
    rule(['get', 'watch', 'list'], [storage], ['csidrivers']),
    rule(['get', 'watch', 'list'], [storage], ['csinodes']),
  ],
  'clusterrole-aggregation-controller': [
    rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], ['rbac.authorization.k8s.io'], ['clusterroles']),
  ],
  'cronjob-controller': [
    rule(['get', 'list', 'watch', 'update'], [batch], ['cronjobs']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], [batch], ['jobs']),
    rule(['update'], [batch], ['cronjobs/status']),
    rule(['update'], [batch], ['cronjobs/finalizers']),
    rule(['list', 'watch', 'delete'], [''], ['pods']),
    eventsRule(),
  ],
  'daemon-set-controller': [
    rule(READ, [ext, apps], ['daemonsets']),
    rule(['update'], [ext, apps], ['daemonsets/status']),
    rule(['update'], [ext, apps], ['daemonsets/finalizers']),
    rule(['list', 'watch'], [''], ['nodes']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
    rule(['create'], [''], ['pods/binding']),
    rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], [apps], ['controllerrevisions']),
    eventsRule(),
  ],
  'deployment-controller': [
    rule(['get', 'list', 'watch', 'update'], [ext, apps], ['deployments']),
    rule(['update'], [ext, apps], ['deployments/status']),
    rule(['update'], [ext, apps], ['deployments/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [apps, ext], ['replicasets']),
    rule(['get', 'list', 'watch', 'update'], [''], ['pods']),
    eventsRule(),
  ],
  'disruption-controller': [
    rule(READ, [ext, apps], ['deployments']),
    rule(READ, [apps, ext], ['replicasets']),
    rule(READ, [''], ['replicationcontrollers']),
    rule(READ, ['policy'], ['poddisruptionbudgets']),
    rule(READ, [apps], ['statefulsets']),
    rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['get'], ['*'], ['*/scale']),
    eventsRule(),
  ],
  'endpoint-controller': [
    rule(READ, [''], ['services', 'pods']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [''], ['endpoints']),
    rule(['create'], [''], ['endpoints/restricted']),
    eventsRule(),
  ],
  'endpointslice-controller': [
    rule(READ, [''], ['services', 'pods', 'nodes']),
    rule(['update'], [''], ['services/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    eventsRule(),
  ],
  'endpointslicemirroring-controller': [
    rule(READ, [''], ['services', 'endpoints']),
    rule(['update'], [''], ['services/finalizers']),
    rule(['update'], [''], ['endpoints/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    eventsRule(),
  ],
  'expand-controller': [
    rule(['get', 'list', 'watch', 'update', 'patch'], [''], ['persistentvolumes']),
    rule(['update', 'patch'], [''], ['persistentvolumeclaims/status']),
    rule(READ, [''], ['persistentvolumeclaims']),
    eventsRule(),
  ],
  'ephemeral-volume-controller': [
    rule(READ, [''], ['pods']),
    rule(['update'], [''], ['pods/finalizers']),
    rule(['get', 'list', 'watch', 'create'], [''], ['persistentvolumeclaims']),
    eventsRule(),
  ],
  'generic-garbage-collector': [
    rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']),
    eventsRule(),
  ],
  'horizontal-pod-autoscaler': [
    rule(READ, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
    rule(['get', 'update'], ['*'], ['*/scale']),
    rule(['list', 'watch'], [''], ['pods']),
    rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
    rule(READ, ['custom.metrics.k8s.io'], ['*']),
    rule(READ, ['external.metrics.k8s.io'], ['*']),
    eventsRule(),
  ],
  'job-controller': [
    rule(['get', 'list', 'watch', 'update', 'patch'], [batch], ['jobs']),
    rule(['update'], [batch], ['jobs/status']),
    rule(['update'], [batch], ['jobs/finalizers']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
    eventsRule(),
  ],
  'namespace-controller': [
    rule(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
    rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
    rule(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
  ],
  'node-controller': [
    rule(['get', 'list', 'watch', 'update', 'delete', 'patch'], [''], ['nodes']),
    rule(['patch', 'update'], [''], ['nodes/status']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['list', 'watch', 'get', 'delete'], [''], ['pods']),
    rule(READ, ['coordination.k8s.io'], ['leases']),
    eventsRule(),
  ],
  'persistent-volume-binder': [
    rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [''], ['persistentvolumes']),
    rule(['update'], [''], ['persistentvolumes/status']),
    rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
    rule(['update'], [''], ['persistentvolumeclaims/status']),
    rule(['list', 'watch', 'get', 'create', 'delete'], [''], ['pods']),
    rule(READ, [storage], ['storageclasses']),
    rule(['list', 'watch'], [''], ['nodes']),
    eventsRule(),
    rule(['watch'], [''], ['events']),
  ],
  'pod-garbage-collector': [
    rule(['list', 'watch', 'delete'], [''], ['pods']),
    rule(READ, [''], ['nodes']),
    rule(['patch'], [''], ['pods/status']),
  ],
  'replicaset-controller': [
    rule(['get', 'list', 'watch', 'update'], [apps, ext], ['replicasets']),
    rule(['update'], [apps, ext], ['replicasets/status']),
    rule(['update'], [apps, ext], ['replicasets/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
    eventsRule(),
  ],
  'replication-controller': [
    rule(['get', 'list', 'watch', 'update'], [''], ['replicationcontrollers']),
    rule(['update'], [''], ['replicationcontrollers/status']),
    rule(['update'], [''], ['replicationcontrollers/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
    eventsRule(),
  ],
  'resourcequota-controller': [
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['update'], [''], ['resourcequotas/status']),
    eventsRule(),
  ],
  'route-controller': [
    rule(['list', 'watch'], [''], ['nodes']),
    rule(['patch'], [''], ['nodes/status']),
    eventsRule(),
  ],
  'service-account-controller': [
    rule(['create'], [''], ['serviceaccounts']),
    eventsRule(),
  ],
  'service-controller': [
    rule(READ, [''], ['services']),
    rule(['patch', 'update'], [''], ['services/status']),
    rule(['list', 'watch'], [''], ['nodes']),
    eventsRule(),
  ],
  'statefulset-controller': [
    rule(['list', 'watch'], [''], ['pods']),
    rule(READ, [apps], ['statefulsets']),
    rule(['update'], [apps], ['statefulsets/status']),
    rule(['update'], [apps], ['statefulsets/finalizers']),
    rule(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
    rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], [apps], ['controllerrevisions']),
    rule(['get', 'create', 'list', 'watch'], [''], ['persistentvolumeclaims']),
    rule(['update', 'delete'], [''], ['persistentvolumeclaims']),
    rule(['update'], [''], ['pods/finalizers']),
    eventsRule(),
  ],
  'ttl-controller': [
    rule(['update', 'patch', 'list', 'watch'], [''], ['nodes']),
    eventsRule(),
  ],
  'certificate-controller': [
    rule(['get', 'list', 'watch', 'delete'], [certs], ['certificatesigningrequests']),
    rule(['update'], [certs], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
    rule(['approve'], [certs], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
    rule(['sign'], [certs], ['signers'], ['kubernetes.io/legacy-unknown', 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    eventsRule(),
  ],
  'pvc-protection-controller': [
    rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
    rule(['list', 'watch', 'get'], [''], ['pods']),
    eventsRule(),
  ],
  'pv-protection-controller': [
    rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumes']),
    eventsRule(),
  ],
  'ttl-after-finished-controller': [
    rule(['get', 'list', 'watch', 'delete'], [batch], ['jobs']),
    eventsRule(),
  ],
  'root-ca-cert-publisher': [
    rule(['create', 'update'], [''], ['configmaps']),
    eventsRule(),
  ],
  'validatingadmissionpolicy-status-controller': [
    rule(READ, ['admissionregistration.k8s.io'], ['validatingadmissionpolicies']),
    rule(['get', 'patch', 'update'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies/status']),
    eventsRule(),
  ],
  'legacy-service-account-token-cleaner': [
    rule(['get'], [''], ['configmaps'], ['kube-apiserver-legacy-service-account-token-tracking']),
    rule(['patch', 'delete'], [''], ['secrets']),
  ],
  // k8ts only (k3s's servicelb): writes LoadBalancer Services' status from the nodes' addresses.
  'servicelb': [
    rule(READ, [''], ['services']),
    rule(['patch', 'update'], [''], ['services/status']),
    rule(['list', 'watch'], [''], ['nodes']),
    eventsRule(),
  ],
  // k8ts only: the CSI sidecars' work in the controller manager, with the rules of upstream's
  // external-provisioner-runner, external-attacher-runner and external-resizer-runner ClusterRoles
  // (the secrets rule, optional upstream, always on: class parameters may name secrets).
  'csi-external-provisioner': [
    rule(['get', 'list'], [''], ['secrets']),
    rule(['get', 'list', 'watch', 'create', 'patch', 'delete'], [''], ['persistentvolumes']),
    rule(['get', 'list', 'watch', 'update', 'patch'], [''], ['persistentvolumeclaims']),
    rule(READ, [storage], ['storageclasses']),
    rule(['list', 'watch', 'create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
    rule(READ, [storage], ['csinodes']),
    rule(READ, [''], ['nodes']),
    rule(READ, [storage], ['volumeattachments']),
  ],
  'csi-external-attacher': [
    rule(['get', 'list', 'watch', 'patch', 'update'], [''], ['persistentvolumes']),
    rule(READ, [storage], ['csinodes']),
    rule(['get', 'list', 'watch', 'patch', 'update'], [storage], ['volumeattachments']),
    rule(['patch', 'update'], [storage], ['volumeattachments/status']),
    rule(['get'], [''], ['secrets']),
    eventsRule(),
  ],
  'csi-external-resizer': [
    rule(['get', 'list', 'watch', 'patch'], [''], ['persistentvolumes']),
    rule(READ, [''], ['persistentvolumeclaims']),
    rule(['list', 'watch'], [''], ['pods']),
    rule(['patch', 'update'], [''], ['persistentvolumeclaims/status']),
    rule(['list', 'watch', 'create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
    rule(['get'], [''], ['secrets']),
  ],
};

export function controllerRoles(): ClusterRole[] {
  return Object.entries(CONTROLLER_RULES).map(([name, rules]) => clusterRole(CONTROLLER_ROLE_PREFIX + name, rules));
}

export function controllerRoleBindings(): ClusterRoleBinding[] {
  return Object.keys(CONTROLLER_RULES).map(name => clusterRoleBinding(CONTROLLER_ROLE_PREFIX + name, [serviceAccount('kube-system', name)]));
}
