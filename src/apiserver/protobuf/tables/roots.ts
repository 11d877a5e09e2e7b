// The top-level kinds a protobuf request body may carry. The message tables are generated for
// these kinds and every message they reach (scripts/protobuf/gen-tables.ts).

/**
 * Kinds decodable per apiVersion; each kind's message has the kind's name. The list is what
 * kubectl and client-go send through typed clients (create, drain, auth, autoscale, certificate).
 */
export const ROOT_KINDS: Readonly<Record<string, readonly string[]>> = {
  'v1': ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Pod', 'ResourceQuota', 'Binding'],
  'apps/v1': ['Deployment'],
  'batch/v1': ['Job', 'CronJob'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'networking.k8s.io/v1': ['Ingress'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  'authorization.k8s.io/v1': ['SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'autoscaling/v1': ['Scale', 'HorizontalPodAutoscaler'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
};

/** meta/v1 option kinds are registered in every group version, so any apiVersion carries them. */
export const ANY_VERSION_KINDS: readonly string[] = ['DeleteOptions'];
