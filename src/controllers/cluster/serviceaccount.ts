// ServiceAccount controller: every active namespace has a `default` ServiceAccount; deleting it
// brings it back.
import { collectionPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ignoreAlreadyExists } from '../../client/api-errors.js';
import { isNamespaceActive, perNamespaceObjectWatches } from './namespace-active.js';

const NAME = 'default';

export function serviceAccountController(): Controller {
  return {
    name: 'serviceaccount',
    watches: perNamespaceObjectWatches(R.serviceaccounts, NAME),
    async reconcile(namespace, ctx) {
      if (!isNamespaceActive(ctx.informer(R.namespaces).get(namespace))) return;
      if (ctx.informer(R.serviceaccounts).get(`${namespace}/${NAME}`)) return;
      await ignoreAlreadyExists(ctx.client.create(collectionPath(R.serviceaccounts, namespace), {
        apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace },
      }));
    },
  };
}
