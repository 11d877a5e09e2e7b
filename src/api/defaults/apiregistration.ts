// Defaults for apiregistration.k8s.io/v1 (kube-aggregator's pkg/apis/apiregistration/v1/defaults.go).
import type { Defaulter } from './types.js';

export const apiRegistrationDefaults: Record<string, Defaulter> = {
  APIService(o) {
    if (o.spec?.service) o.spec.service.port ??= 443;
  },
};
