// ServiceAccount admission, as upstream's plugin/pkg/admission/serviceaccount: a new pod runs as
// a service account (`default` unless named) that must exist, gets the account's image pull
// secrets unless it names its own, and, unless automounting is turned off (pod first, then
// account), a projected `kube-api-access-*` volume (a bound token, the cluster CA, the namespace)
// mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every (init) container.
import { ForbiddenError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { Container, PodSpec, ServiceAccount, Volume } from '../../api/types/generated.js';
// The volume's token lifetime is the one the API server extends (see token-request).
import { WARN_ONLY_EXPIRATION_SECONDS } from '../handlers/token-request.js';
import { randomSuffix } from '../registry/generic-store.js';
import type { Registry } from '../registry/registry.js';
import { isPodCreate, type AdmissionAttributes, type AdmissionPlugin } from './types.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/**
 * The `default` account is created by a controller shortly after its namespace, so a pod created
 * right after the namespace waits for it a little, as upstream (10 tries, 100-200 ms apart).
 */
const DEFAULT_ACCOUNT_ATTEMPTS = 10;

export function serviceAccountAdmission(registry: () => Registry): AdmissionPlugin {
  async function lookUp(namespace: string, name: string): Promise<ServiceAccount | undefined> {
    const accounts = registry().get('', 'serviceaccounts');
    const attempts = name === DEFAULT_SERVICE_ACCOUNT ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
    const interval = 100 + Math.floor(Math.random() * 100);
    for (let i = 0; i < attempts; i++) {
      if (i) await new Promise(r => setTimeout(r, interval));
      const sa = accounts.getCached(namespace, name)?.object;
      if (sa) return sa as unknown as ServiceAccount;
    }
    return undefined;
  }

  /** A missing or terminating namespace is NamespaceLifecycle's to report, with its own message. */
  function namespaceUsable(namespace: string): boolean {
    const ns = registry().get('', 'namespaces').getCached('', namespace)?.object;
    return !!ns && !ns.metadata.deletionTimestamp;
  }

  /** Gives a new pod its service account and that account's token volume. */
  async function admitPod(a: AdmissionAttributes & { object: KubeObject }): Promise<void> {
    const pod = a.object as KubeObject & { spec: PodSpec };
    if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
    if (!namespaceUsable(a.namespace)) return;
    const spec = pod.spec;
    spec.serviceAccountName ||= DEFAULT_SERVICE_ACCOUNT;
    // Defaulting ran before this plugin, so the deprecated alias is kept in step here.
    spec.serviceAccount = spec.serviceAccountName;
    const sa = await lookUp(a.namespace, spec.serviceAccountName);
    if (!sa) {
      const name = pod.metadata.name || pod.metadata.generateName || a.name;
      throw new ForbiddenError(
        `pods "${name}" is forbidden: error looking up service account ${a.namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`,
        { group: '', resource: 'pods', name });
    }
    if (spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true) mountToken(spec);
    if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) spec.imagePullSecrets = sa.imagePullSecrets.map(s => ({ name: s.name }));
  }

  return {
    name: 'ServiceAccount',
    // Only pods wait on a promise (see AdmissionChain.run).
    admit(a: AdmissionAttributes): Promise<void> | undefined {
      if (!isPodCreate(a)) return;
      return admitPod(a);
    },
  };
}

/** Adds the token volume and its mount to every (init) container without a mount at the path. */
function mountToken(spec: PodSpec): void {
  const existing = (spec.volumes ?? []).find(v => v.name.startsWith(VOLUME_PREFIX));
  const volumeName = existing?.name ?? VOLUME_PREFIX + randomSuffix();
  let needed = false;
  const mount = (c: Container) => {
    if ((c.volumeMounts ?? []).some(m => m.mountPath === TOKEN_MOUNT_PATH)) return;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
    needed = true;
  };
  for (const c of spec.initContainers ?? []) mount(c);
  for (const c of spec.containers ?? []) mount(c);
  if (!existing && needed) spec.volumes = [...(spec.volumes ?? []), tokenVolume(volumeName)];
}

function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      // Explicit, as upstream sets it (kubernetes#104464).
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: WARN_ONLY_EXPIRATION_SECONDS } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}
