// The service account (in kube-system) each controller acts as, upstream's names from the
// controller manager's ClientOrDie(...) calls, bound by the bootstrap policy to the
// `system:controller:<account>` roles. Controllers upstream runs under one account share it:
// node lifecycle, taint eviction and node IPAM all act as node-controller.
export const CONTROLLER_NAMESPACE = 'kube-system';

const SERVICE_ACCOUNTS: Record<string, string> = {
  'daemonset': 'daemon-set-controller',
  'deployment': 'deployment-controller',
  'replicaset': 'replicaset-controller',
  'replicationcontroller': 'replication-controller',
  'statefulset': 'statefulset-controller',
  'namespace': 'namespace-controller',
  'garbage-collector': 'generic-garbage-collector',
  'job': 'job-controller',
  'ttl-after-finished': 'ttl-after-finished-controller',
  'cronjob': 'cronjob-controller',
  'endpoints': 'endpoint-controller',
  'endpointslice': 'endpointslice-controller',
  'serviceaccount': 'service-account-controller',
  'root-ca-cert-publisher': 'root-ca-cert-publisher',
  'node-lifecycle': 'node-controller',
  'taint-eviction': 'node-controller',
  'node-ipam': 'node-controller',
  'resourcequota': 'resourcequota-controller',
  'disruption': 'disruption-controller',
  'clusterrole-aggregation': 'clusterrole-aggregation-controller',
  'csrapproving': 'certificate-controller',
  'csrsigning': 'certificate-controller',
  'csrcleaner': 'certificate-controller',
  'tokencleaner': 'token-cleaner',
  'persistentvolume-binder': 'persistent-volume-binder',
  'pvc-protection': 'pvc-protection-controller',
  'pv-protection': 'pv-protection-controller',
  'ephemeral-volume': 'ephemeral-volume-controller',
  'validatingadmissionpolicy-status-controller': 'validatingadmissionpolicy-status-controller',
  'attachdetach': 'attachdetach-controller',
  'horizontalpodautoscaling': 'horizontal-pod-autoscaler',
  // k8ts only: the CSI sidecars' work (external-provisioner, -attacher, -resizer); the deleter is
  // the provisioner's other half upstream and shares its account.
  'csi-provisioner': 'csi-external-provisioner',
  'csi-deleter': 'csi-external-provisioner',
  'csi-attacher': 'csi-external-attacher',
  'csi-resizer': 'csi-external-resizer',
  // k8ts only (k3s's servicelb).
  'servicelb': 'servicelb',
};

export class UnknownControllerError extends Error {}

export function controllerServiceAccount(controller: string): string {
  const sa = SERVICE_ACCOUNTS[controller];
  if (!sa) throw new UnknownControllerError(`controller "${controller}" has no service account`);
  return sa;
}
