// The IngressClass of k8ts's built-in ingress controller: the API server creates it at start,
// marked as the cluster's default class, and every node agent serves the Ingresses of that class
// (and those naming no class at all).
export const INGRESS_CLASS_NAME = 'k8ts';
export const INGRESS_CONTROLLER = 'k8ts.io/ingress';

/** networking.k8s.io/v1 AnnotationIsDefaultIngressClass. */
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The class annotation Ingresses used before spec.ingressClassName (networking/v1beta1 AnnotationIngressClass). */
export const LEGACY_INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export const BUILTIN_INGRESS_CLASS = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: INGRESS_CLASS_NAME, annotations: { [DEFAULT_INGRESS_CLASS_ANNOTATION]: 'true' } },
  spec: { controller: INGRESS_CONTROLLER },
} as const;
