// Objects every cluster has from the start: the system namespaces, the system PriorityClasses,
// the built-in IngressClass (unless the built-in ingress is disabled), the default StorageClass
// `local-path` of the built-in provisioner (unless local storage is disabled), the `kubernetes` Service
// (first address of the service range; its endpoints are kept by endpoint-reconciler.ts), and the
// `kube-system/kube-dns` Service (tenth address, as k3s) whose endpoints are the nodes' DNS servers
// (each node agent adds its own EndpointSlice). The RBAC bootstrap policy is reconciled too.
import { AlreadyExistsError } from '../api/errors.js';
import { BUILTIN_INGRESS_CLASS } from '../api/ingress-class.js';
import { LOCAL_PATH_STORAGE_CLASS } from '../api/local-path-class.js';
import type { KubeObject } from '../api/object.js';
import { SYSTEM_PRIORITY_CLASSES } from '../api/system-priority-classes.js';
import { reconcileBootstrapPolicy } from './auth/rbac/reconcile.js';
import { systemContext } from './context.js';
import type { Registry } from './registry/registry.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface BootstrapOptions {
  kubernetesServiceIP: string;
  /** The `kubernetes` Service's targetPort (its endpoints are kept by endpoint-reconciler.ts). */
  securePort: number;
  /** Create the IngressClass of the built-in ingress controller (k3s's --disable traefik skips its class too). */
  ingressClass: boolean;
  /** Create the default StorageClass `local-path` (k3s's --disable local-storage skips it). */
  localStorageClass: boolean;
  /** The kube-dns Service's cluster IP. */
  clusterDNSIP: string;
}

export async function bootstrapCluster(registry: Registry, o: BootstrapOptions): Promise<void> {
  const ctx = systemContext();
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(() => registry.get('', 'namespaces').create(ctx, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  }
  await reconcileBootstrapPolicy(registry);
  const priorityClasses = registry.get('scheduling.k8s.io', 'priorityclasses');
  for (const { name, value, description } of SYSTEM_PRIORITY_CLASSES) {
    if (priorityClasses.getCached('', name)) continue;
    await ensure(() => priorityClasses.create(ctx, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, description } as KubeObject));
  }
  const ingressClasses = registry.get('networking.k8s.io', 'ingressclasses');
  if (o.ingressClass && !ingressClasses.getCached('', BUILTIN_INGRESS_CLASS.metadata.name)) {
    await ensure(() => ingressClasses.create(ctx, '', structuredClone(BUILTIN_INGRESS_CLASS) as unknown as KubeObject));
  }
  const storageClasses = registry.get('storage.k8s.io', 'storageclasses');
  if (o.localStorageClass && !storageClasses.getCached('', LOCAL_PATH_STORAGE_CLASS.metadata.name)) {
    await ensure(() => storageClasses.create(ctx, '', structuredClone(LOCAL_PATH_STORAGE_CLASS) as unknown as KubeObject));
  }
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const services = registry.get('', 'services');
  // Checked first: creating it again would fail on its (taken) cluster IP before the name.
  if (!services.getCached('default', 'kubernetes')) await ensure(() => services.create(ctx, 'default', {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: { type: 'ClusterIP', clusterIP: o.kubernetesServiceIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: o.securePort }], sessionAffinity: 'None' },
  } as KubeObject));
  // No selector: the node agents keep its EndpointSlices. Each node's pods ask their own node.
  if (!services.getCached('kube-system', 'kube-dns')) await ensure(() => services.create(ctx, 'kube-system', {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'k8ts-dns' } },
    spec: {
      type: 'ClusterIP', clusterIP: o.clusterDNSIP, internalTrafficPolicy: 'Local', sessionAffinity: 'None',
      ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }],
    },
  } as KubeObject));
}

async function ensure(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
}
