// Defaults for core/v1 kinds (pkg/apis/core/v1/defaults.go and declarative `+default=` markers).
import { defaultPod, defaultPodTemplate } from './pod-spec.js';
import { canonicalizeResourceList } from './resource-list.js';
import type { Defaulter, Obj } from './types.js';
import { setKey } from '../../util/data-keys.js';

const CLIENT_IP_TIMEOUT = 10800;

function defaultService(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: CLIENT_IP_TIMEOUT } };
  }
  spec.type ??= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const externallyAccessible = spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && spec.externalIPs?.length > 0);
  if (externallyAccessible) spec.externalTrafficPolicy ??= 'Cluster';
  if (['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec.type)) spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ing of o.status?.loadBalancer?.ingress ?? []) if (ing.ip) ing.ipMode ??= 'VIP';
  }
  // Upstream's registry (not its defaulter) fills IP families; this cluster is single-stack IPv4.
  // A headless Service without a selector asks for every family the cluster has.
  if (spec.type !== 'ExternalName') {
    const selectorlessHeadless = spec.clusterIP === 'None' && !Object.keys(spec.selector ?? {}).length;
    spec.ipFamilyPolicy ??= selectorlessHeadless ? 'RequireDualStack' : 'SingleStack';
    spec.ipFamilies ??= ['IPv4'];
  }
}

export const coreDefaults: Record<string, Defaulter> = {
  Pod: defaultPod,
  PodTemplate: o => defaultPodTemplate(o.template),
  ReplicationController(o) {
    const spec = (o.spec ??= {});
    spec.replicas ??= 1;
    // An RC selects, and is labelled with, its template's labels unless told otherwise.
    const labels = spec.template?.metadata?.labels;
    if (labels) {
      if (!Object.keys(spec.selector ?? {}).length) spec.selector = { ...labels };
      o.metadata ??= {};
      if (!Object.keys(o.metadata.labels ?? {}).length) o.metadata.labels = { ...labels };
    }
    defaultPodTemplate(spec.template);
  },
  Service: defaultService,
  Secret(o) {
    o.type ??= 'Opaque';
    // stringData is a write-only convenience: merged into data (winning over it), never stored.
    if (o.stringData && typeof o.stringData === 'object') {
      o.data ??= {};
      for (const [k, v] of Object.entries(o.stringData)) setKey(o.data, k, Buffer.from(String(v), 'utf8').toString('base64'));
      delete o.stringData;
    }
  },
  Namespace(o) {
    // Lets namespace selectors pick a namespace by name; generateName'd namespaces get it later.
    if (o.metadata?.name) o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
    o.status ??= {};
    o.status.phase ??= 'Active';
  },
  Node(o) {
    if (o.status?.capacity && !o.status.allocatable) o.status.allocatable = { ...o.status.capacity };
  },
  Endpoints(o) {
    for (const s of o.subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
  },
  PersistentVolume(o) {
    const spec = (o.spec ??= {});
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
    o.status ??= {};
    o.status.phase ??= 'Pending';
  },
  PersistentVolumeClaim(o) {
    defaultClaim(o);
  },
  ResourceQuota(o) {
    canonicalizeResourceList(o.spec?.hard);
  },
  LimitRange(o) {
    for (const item of o.spec?.limits ?? []) {
      for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) canonicalizeResourceList(item[f]);
      if (item.type !== 'Container') continue;
      // Limits default from max; requests default from the default limit, then from min.
      item.default = { ...item.max, ...item.default };
      item.defaultRequest = { ...item.min, ...item.default, ...item.defaultRequest };
    }
  },
};

export function defaultClaim(claim: Obj): void {
  claim.spec ??= {};
  canonicalizeResourceList(claim.spec.resources?.requests);
  canonicalizeResourceList(claim.spec.resources?.limits);
  claim.spec.volumeMode ??= 'Filesystem';
  claim.status ??= {};
  claim.status.phase ??= 'Pending';
}
