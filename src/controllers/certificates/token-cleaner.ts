// The bootstrap token cleaner (upstream's tokencleaner): a kube-system Secret of type
// bootstrap.kubernetes.io/token is deleted once its expiration has passed.
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, bootstrapTokenTimeLeft } from '../../api/bootstrap-token.js';
import type { KubeObject } from '../../api/object.js';
import { objectPath, R } from '../../client/resources.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { Controller } from '../types.js';

const MAX_WAIT_MS = 3600_000;

export function tokenCleanerController(): Controller {
  return {
    name: 'tokencleaner',
    watches: [{ resource: R.secrets, mapTo: s => isTokenSecret(s) ? [`${s.metadata.namespace}/${s.metadata.name}`] : [] }],
    workers: 1,
    async reconcile(key, ctx) {
      const secret = ctx.informer(R.secrets).get(key);
      if (!secret || !isTokenSecret(secret) || secret.metadata.deletionTimestamp) return;
      const left = bootstrapTokenTimeLeft(secret);
      if (left === undefined) return;
      if (left > 0) {
        ctx.requeueAfter(key, Math.min(left + 50, MAX_WAIT_MS));
        return;
      }
      ctx.log('deleting expired bootstrap token', { secret: key });
      await ignoreNotFound(ctx.client.delete(objectPath(R.secrets, secret.metadata.namespace, secret.metadata.name!), {
        kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: secret.metadata.uid },
      }));
    },
  };
}

function isTokenSecret(s: KubeObject): boolean {
  return s.metadata.namespace === BOOTSTRAP_TOKEN_NAMESPACE && (s as { type?: string }).type === BOOTSTRAP_TOKEN_SECRET_TYPE;
}
