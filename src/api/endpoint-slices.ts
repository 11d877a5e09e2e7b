// Labels that tie EndpointSlices to their Service, shared by the controller that writes slices and
// every consumer that reads them (kube-proxy, DNS, ingress).

/** The name of the Service an EndpointSlice belongs to. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
