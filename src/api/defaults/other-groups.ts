// Defaults for the smaller groups: autoscaling, networking, policy, rbac, storage, discovery,
// scheduling, admissionregistration and certificates (each group's defaults.go upstream).
type Obj = Record<string, any>;

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function defaultSubjects(o: Obj): void {
  for (const s of o.subjects ?? []) {
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup ??= RBAC_GROUP;
    if (s.kind === 'ServiceAccount') s.apiGroup ??= '';
  }
}

function defaultWebhooks(o: Obj, mutating: boolean): void {
  for (const w of o.webhooks ?? []) {
    w.failurePolicy ??= 'Fail';
    w.matchPolicy ??= 'Equivalent';
    w.namespaceSelector ??= {};
    w.objectSelector ??= {};
    w.timeoutSeconds ??= 10;
    if (mutating) w.reinvocationPolicy ??= 'Never';
    for (const r of w.rules ?? []) r.scope ??= '*';
    if (w.clientConfig?.service) w.clientConfig.service.port ??= 443;
  }
}

export const otherDefaults: Record<string, (o: Obj, version: string) => void> = {
  'autoscaling/HorizontalPodAutoscaler'(o, version) {
    const spec = (o.spec ??= {});
    spec.minReplicas ??= 1;
    // v1 expresses the CPU target as spec.targetCPUUtilizationPercentage instead.
    if (version === 'v2' && !spec.metrics?.length) {
      spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    }
  },
  'networking.k8s.io/NetworkPolicy'(o) {
    const spec = (o.spec ??= {});
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of rule.ports ?? []) p.protocol ??= 'TCP';
    if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  'rbac.authorization.k8s.io/RoleBinding': defaultSubjects,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultSubjects,
  'storage.k8s.io/StorageClass'(o) {
    o.reclaimPolicy ??= 'Delete';
    o.volumeBindingMode ??= 'Immediate';
  },
  'storage.k8s.io/CSIDriver'(o) {
    const spec = (o.spec ??= {});
    spec.attachRequired ??= true;
    spec.podInfoOnMount ??= false;
    spec.storageCapacity ??= false;
    spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
    spec.requiresRepublish ??= false;
    spec.seLinuxMount ??= false;
    spec.volumeLifecycleModes ??= ['Persistent'];
  },
  'discovery.k8s.io/EndpointSlice'(o) {
    for (const p of o.ports ?? []) p.protocol ??= 'TCP';
  },
  'scheduling.k8s.io/PriorityClass'(o) {
    o.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': o => defaultWebhooks(o, false),
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': o => defaultWebhooks(o, true),
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy'(o) {
    const spec = (o.spec ??= {});
    spec.failurePolicy ??= 'Fail';
    if (spec.matchConstraints) {
      spec.matchConstraints.matchPolicy ??= 'Equivalent';
      spec.matchConstraints.namespaceSelector ??= {};
      spec.matchConstraints.objectSelector ??= {};
    }
  },
  'certificates.k8s.io/CertificateSigningRequest'(o) {
    const spec = (o.spec ??= {});
    spec.usages ??= ['digital signature', 'key encipherment'];
  },
};
