// Addressing resources over the REST API: a resource reference becomes collection and object paths.

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export function ref(apiVersion: string, resource: string, namespaced = true): ResourceRef {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group, version, resource, namespaced };
}

/** Collection path; with no namespace, across all namespaces. */
export function collectionPath(r: ResourceRef, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${base}/namespaces/${namespace}/${r.resource}` : `${base}/${r.resource}`;
}

export function objectPath(r: ResourceRef, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}${subresource ? '/' + subresource : ''}`;
}

/** The resources the built-in controllers, scheduler and nodes use. */
export const R = {
  namespaces: ref('v1', 'namespaces', false),
  nodes: ref('v1', 'nodes', false),
  pods: ref('v1', 'pods'),
  services: ref('v1', 'services'),
  endpoints: ref('v1', 'endpoints'),
  events: ref('v1', 'events'),
  configmaps: ref('v1', 'configmaps'),
  secrets: ref('v1', 'secrets'),
  serviceaccounts: ref('v1', 'serviceaccounts'),
  resourcequotas: ref('v1', 'resourcequotas'),
  replicationcontrollers: ref('v1', 'replicationcontrollers'),
  persistentvolumeclaims: ref('v1', 'persistentvolumeclaims'),
  persistentvolumes: ref('v1', 'persistentvolumes', false),
  storageclasses: ref('storage.k8s.io/v1', 'storageclasses', false),
  volumeattachments: ref('storage.k8s.io/v1', 'volumeattachments', false),
  csidrivers: ref('storage.k8s.io/v1', 'csidrivers', false),
  csinodes: ref('storage.k8s.io/v1', 'csinodes', false),
  deployments: ref('apps/v1', 'deployments'),
  replicasets: ref('apps/v1', 'replicasets'),
  statefulsets: ref('apps/v1', 'statefulsets'),
  daemonsets: ref('apps/v1', 'daemonsets'),
  controllerrevisions: ref('apps/v1', 'controllerrevisions'),
  jobs: ref('batch/v1', 'jobs'),
  cronjobs: ref('batch/v1', 'cronjobs'),
  endpointslices: ref('discovery.k8s.io/v1', 'endpointslices'),
  ingresses: ref('networking.k8s.io/v1', 'ingresses'),
  ingressclasses: ref('networking.k8s.io/v1', 'ingressclasses', false),
  leases: ref('coordination.k8s.io/v1', 'leases'),
  poddisruptionbudgets: ref('policy/v1', 'poddisruptionbudgets'),
  priorityclasses: ref('scheduling.k8s.io/v1', 'priorityclasses', false),
  horizontalpodautoscalers: ref('autoscaling/v2', 'horizontalpodautoscalers'),
  clusterroles: ref('rbac.authorization.k8s.io/v1', 'clusterroles', false),
  certificatesigningrequests: ref('certificates.k8s.io/v1', 'certificatesigningrequests', false),
} as const;
