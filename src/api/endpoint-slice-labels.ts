// The labels that tie an EndpointSlice to its Service and to the component that manages it
// (discovery.k8s.io/v1 well-known labels).
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
