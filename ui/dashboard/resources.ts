// The kinds the dashboard shows and where each lives in the API.
export interface Kind { kind: string; plural: string; group: string; version: string; namespaced: boolean; scalable?: boolean; restartable?: boolean }

export const KINDS: Kind[] = [
  { kind: 'Deployment', plural: 'deployments', group: 'apps', version: 'v1', namespaced: true, scalable: true, restartable: true },
  { kind: 'StatefulSet', plural: 'statefulsets', group: 'apps', version: 'v1', namespaced: true, scalable: true, restartable: true },
  { kind: 'DaemonSet', plural: 'daemonsets', group: 'apps', version: 'v1', namespaced: true, restartable: true },
  { kind: 'Job', plural: 'jobs', group: 'batch', version: 'v1', namespaced: true },
  { kind: 'Pod', plural: 'pods', group: '', version: 'v1', namespaced: true },
  { kind: 'Service', plural: 'services', group: '', version: 'v1', namespaced: true },
  { kind: 'Ingress', plural: 'ingresses', group: 'networking.k8s.io', version: 'v1', namespaced: true },
  { kind: 'EndpointSlice', plural: 'endpointslices', group: 'discovery.k8s.io', version: 'v1', namespaced: true },
  { kind: 'Event', plural: 'events', group: '', version: 'v1', namespaced: true },
  { kind: 'Namespace', plural: 'namespaces', group: '', version: 'v1', namespaced: false },
  { kind: 'Node', plural: 'nodes', group: '', version: 'v1', namespaced: false },
];

export const WORKLOADS = KINDS.filter(k => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(k.kind));
export const NETWORK = KINDS.filter(k => ['Service', 'Ingress', 'EndpointSlice'].includes(k.kind));

export function kindOf(plural: string): Kind | undefined {
  return KINDS.find(k => k.plural === plural);
}

/** The collection path of a kind (in a namespace when it is namespaced). */
export function collectionPath(k: Kind, ns?: string): string {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return k.namespaced && ns ? `${base}/namespaces/${encodeURIComponent(ns)}/${k.plural}` : `${base}/${k.plural}`;
}

export function objectPath(k: Kind, name: string, ns?: string): string {
  return `${collectionPath(k, ns)}/${encodeURIComponent(name)}`;
}

export function apiVersionOf(k: Kind): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}
