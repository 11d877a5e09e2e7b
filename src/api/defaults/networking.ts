// Defaults for networking.k8s.io/v1 (pkg/apis/networking/v1/defaults.go). Ingress has none:
// pathType is required in v1.
import type { Defaulter } from './types.js';

export const networkingDefaults: Record<string, Defaulter> = {
  NetworkPolicy(o) {
    const spec = (o.spec ??= {});
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of rule.ports ?? []) p.protocol ??= 'TCP';
    // A policy always isolates ingress; it isolates egress only if it says something about egress.
    if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  IngressClass(o) {
    const params = o.spec?.parameters;
    if (params) params.scope ??= 'Cluster';
  },
};
