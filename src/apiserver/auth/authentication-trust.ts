// kube-system/extension-apiserver-authentication, as upstream's cluster authentication trust
// controller keeps it: the client CA and the requestheader settings an extension API server needs
// to authenticate callers, clients of the cluster CA and our aggregator (the front proxy) alike.
// Extension servers read it through the extension-apiserver-authentication-reader Role.
import type { KubeObject } from '../../api/object.js';
import type { RequestHeaderConfig } from '../../api/request-header.js';
import { AlreadyExistsError } from '../../api/errors.js';
import { systemContext } from '../context.js';
import type { Registry } from '../registry/registry.js';

export const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };

/** The ConfigMap's data; lists are JSON arrays, as upstream writes them. */
export function authenticationTrustData(clientCA: string, requestHeader: RequestHeaderConfig): Record<string, string> {
  return {
    'client-ca-file': clientCA,
    'requestheader-allowed-names': JSON.stringify(requestHeader.allowedNames),
    'requestheader-client-ca-file': requestHeader.caPem,
    'requestheader-extra-headers-prefix': JSON.stringify(requestHeader.extraHeaderPrefixes),
    'requestheader-group-headers': JSON.stringify(requestHeader.groupHeaders),
    'requestheader-username-headers': JSON.stringify(requestHeader.usernameHeaders),
  };
}

/** Creates the ConfigMap, or rewrites its data when this server's settings differ. */
export async function ensureAuthenticationTrust(registry: Registry, clientCA: string, requestHeader: RequestHeaderConfig): Promise<void> {
  const { namespace, name } = AUTHENTICATION_CONFIGMAP;
  const data = authenticationTrustData(clientCA, requestHeader);
  const configMaps = registry.get('', 'configmaps');
  const ctx = systemContext();
  const current = configMaps.getCached(namespace, name)?.object;
  if (!current) {
    try {
      await configMaps.create(ctx, namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } as KubeObject);
      return;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }
  const live = configMaps.getCached(namespace, name)!.object;
  if (JSON.stringify(live.data) === JSON.stringify(data)) return;
  await configMaps.update(ctx, namespace, name, { ...live, data });
}
