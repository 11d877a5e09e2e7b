// The labels that tie an EndpointSlice to its Service and to the component that manages it
// (discovery.k8s.io/v1 well-known labels), and the annotation that dates the change it carries.
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/**
 * When the change that made the EndpointSlice controller write a slice happened (RFC 3339); kube-proxy
 * measures its network programming latency from it.
 */
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
