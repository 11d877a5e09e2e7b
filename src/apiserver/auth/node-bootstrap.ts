// What lets nodes join with a bootstrap token, made at server start when absent: the Secret of the
// server's own join token (<data-dir>/token) and the bindings kubeadm creates — bootstrappers may
// create CSRs (system:node-bootstrapper) and have node client CSRs auto-approved (nodeclient), and
// nodes have their client certificate renewals auto-approved (selfnodeclient). Existing objects
// are left alone: an administrator's changes win.
import { AlreadyExistsError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAPPERS_GROUP, bootstrapTokenSecret, bootstrapTokenSecretName, type BootstrapToken } from '../../api/bootstrap-token.js';
import { systemContext } from '../context.js';
import type { Registry } from '../registry/registry.js';

/** The extra group of the server's own join token, as kubeadm's default-node-token. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:k8ts:default-node-token';

const BINDINGS: { name: string; role: string; group: string }[] = [
  { name: 'k8ts:kubelet-bootstrap', role: 'system:node-bootstrapper', group: BOOTSTRAPPERS_GROUP },
  { name: 'k8ts:node-autoapprove-bootstrap', role: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', group: BOOTSTRAPPERS_GROUP },
  { name: 'k8ts:node-autoapprove-certificate-rotation', role: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', group: 'system:nodes' },
];

export async function ensureNodeBootstrap(registry: Registry, joinToken: BootstrapToken): Promise<void> {
  const ctx = systemContext();
  const secrets = registry.get('', 'secrets');
  if (!secrets.getCached(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(joinToken.id))) {
    const secret = bootstrapTokenSecret(joinToken, { description: 'The server\'s join token (<data-dir>/token); delete that file and restart the server to replace it.', extraGroups: [DEFAULT_NODE_TOKEN_GROUP] });
    await ignoreExisting(() => secrets.create(ctx, BOOTSTRAP_TOKEN_NAMESPACE, secret));
  }
  const bindings = registry.get('rbac.authorization.k8s.io', 'clusterrolebindings');
  for (const b of BINDINGS) {
    if (bindings.getCached('', b.name)) continue;
    await ignoreExisting(() => bindings.create(ctx, '', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: b.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: b.group }],
    } as KubeObject));
  }
}

async function ignoreExisting(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
}
