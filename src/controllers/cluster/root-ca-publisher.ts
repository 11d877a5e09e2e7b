// Root CA publisher: a `kube-root-ca.crt` ConfigMap in every active namespace holding the cluster
// CA under `ca.crt`, so pods can verify the API server; edits to it are reverted.
import type { KubeObject } from '../../api/object.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ignoreAlreadyExists } from '../../client/api-errors.js';
import { isNamespaceActive, perNamespaceObjectWatches } from './namespace-active.js';
import { jsonEqual } from '../../util/json-equal.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

interface ConfigMap extends KubeObject { data?: Record<string, string> }

export function rootCaPublisher(caCert: string): Controller {
  return {
    name: 'root-ca-cert-publisher',
    watches: perNamespaceObjectWatches(R.configmaps, ROOT_CA_CONFIGMAP),
    async reconcile(namespace, ctx) {
      if (!isNamespaceActive(ctx.informer(R.namespaces).get(namespace))) return;
      const current = ctx.informer<ConfigMap>(R.configmaps).get(`${namespace}/${ROOT_CA_CONFIGMAP}`);
      const data = { 'ca.crt': caCert };
      if (!current) {
        await ignoreAlreadyExists(ctx.client.create(collectionPath(R.configmaps, namespace), {
          apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { 'kubernetes.io/description': DESCRIPTION } },
          data,
        }));
        return;
      }
      if (jsonEqual(current.data ?? {}, data)) return;
      await ctx.client.update(objectPath(R.configmaps, namespace, ROOT_CA_CONFIGMAP), { ...current, data });
    },
  };
}
