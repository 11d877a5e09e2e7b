// What lets nodes join with a bootstrap token, made at server start when absent: the Secret of the
// server's own join token (<data-dir>/token). An existing Secret is left alone. The bindings
// kubeadm creates for joining (bootstrappers may create CSRs and have node client CSRs approved,
// nodes their renewals) are part of the RBAC bootstrap policy (rbac/policy/k8ts-roles.ts).
import { BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecret, bootstrapTokenSecretName, type BootstrapToken } from '../../api/bootstrap-token.js';
import { ignoreAlreadyExists } from '../../client/api-errors.js';
import { systemContext } from '../context.js';
import type { Registry } from '../registry/registry.js';

/** The extra group of the server's own join token, as kubeadm's default-node-token. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:k8ts:default-node-token';

export async function ensureNodeBootstrap(registry: Registry, joinToken: BootstrapToken): Promise<void> {
  const ctx = systemContext();
  const secrets = registry.get('', 'secrets');
  if (!secrets.getCached(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(joinToken.id))) {
    const secret = bootstrapTokenSecret(joinToken, { description: 'The server\'s join token (<data-dir>/token); delete that file and restart the server to replace it.', extraGroups: [DEFAULT_NODE_TOKEN_GROUP] });
    await ignoreAlreadyExists(secrets.create(ctx, BOOTSTRAP_TOKEN_NAMESPACE, secret));
  }
}
