// Defaults for core/v1 kinds (pkg/apis/core/v1/defaults.go).
import { defaultPodSpec, defaultPodTemplate } from './pod-spec.js';

type Obj = Record<string, any>;

export const coreDefaults: Record<string, (o: Obj) => void> = {
  Pod: o => defaultPodSpec(o.spec),
  PodTemplate: o => defaultPodTemplate(o.template),
  ReplicationController(o) {
    const spec = (o.spec ??= {});
    spec.replicas ??= 1;
    const labels = spec.template?.metadata?.labels;
    // An RC without a selector selects its template's labels; without labels it takes them too.
    if (labels) {
      spec.selector ??= { ...labels };
      if (!o.metadata?.labels) o.metadata.labels = { ...labels };
    }
    defaultPodTemplate(spec.template);
  },
  Service(o) {
    const spec = (o.spec ??= {});
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (spec.sessionAffinity === 'ClientIP') spec.sessionAffinityConfig ??= { clientIP: { timeoutSeconds: 10800 } };
    for (const p of spec.ports ?? []) {
      p.protocol ??= 'TCP';
      if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    }
    if (spec.type !== 'ExternalName') {
      spec.internalTrafficPolicy ??= 'Cluster';
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.ipFamilies ??= ['IPv4'];
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  },
  Secret(o) {
    o.type ??= 'Opaque';
    // stringData is write-only: it is merged into data (winning over it) and never stored.
    if (o.stringData && typeof o.stringData === 'object') {
      o.data ??= {};
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete o.stringData;
    }
  },
  Namespace(o) {
    o.status ??= {};
    o.status.phase ??= 'Active';
  },
  Node(o) {
    o.spec ??= {};
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
    const spec = (o.spec ??= {});
    spec.volumeMode ??= 'Filesystem';
    o.status ??= {};
    o.status.phase ??= 'Pending';
  },
  LimitRange(o) {
    for (const l of o.spec?.limits ?? []) {
      if (l.type !== 'Container') continue;
      // Default limits become default requests when requests are not given, as upstream.
      if (l.max) l.default ??= { ...l.max };
      if (l.default) l.defaultRequest ??= { ...l.default };
    }
  },
};
