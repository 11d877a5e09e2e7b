// All message tables by message name, and the top-level kinds a request body may carry. Message
// names are unique across the groups covered (a test checks), so one flat namespace suffices.
import type { Tables } from '../schema.js';
import { APPS } from './apps.js';
import { AUTHENTICATION } from './authentication.js';
import { AUTHORIZATION } from './authorization.js';
import { AUTOSCALING } from './autoscaling.js';
import { BATCH } from './batch.js';
import { CERTIFICATES } from './certificates.js';
import { CONTAINER } from './container.js';
import { CORE } from './core.js';
import { META } from './meta.js';
import { NETWORKING } from './networking.js';
import { POD } from './pod.js';
import { POLICY } from './policy.js';
import { RBAC } from './rbac.js';
import { SCHEDULING } from './scheduling.js';
import { VOLUMES } from './volumes.js';

export const TABLE_GROUPS: readonly Tables[] = [
  META, CORE, VOLUMES, CONTAINER, POD, APPS, BATCH, POLICY, SCHEDULING, RBAC, NETWORKING,
  AUTHENTICATION, AUTHORIZATION, AUTOSCALING, CERTIFICATES,
];

export const MESSAGES: Tables = Object.assign({}, ...TABLE_GROUPS);

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
