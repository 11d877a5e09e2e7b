// What `k8ts why` and `k8ts history` share: each asks a k8ts API about one object, named KIND/NAME
// as kubectl names it, at the object's own API path under the API's prefix, with the caller's
// kubeconfig; each takes -n and -o as kubectl spells them.
import { ResourceCatalog, type ResourceInfo } from '../api/catalog.js';
import { objectPath, ref } from '../client/resources.js';
import { FlagError } from './flags.js';

/** The object's namespace and the kubeconfig to ask with. */
export const objectFlags = {
  namespace: { type: 'string', default: 'default', help: 'namespace of the object (also -n)' },
  kubeconfig: { type: 'string', help: 'kubeconfig to use (default $KUBECONFIG, else the local cluster\'s admin kubeconfig)' },
} as const;

/** -n NS and -o FMT as kubectl spells them, as the long flags parseFlags knows. */
export function kubectlShortFlag(arg: string): string {
  return arg === '-n' ? '--namespace' : arg === '-o' ? '--output' : arg;
}

/** `prefix` and the API path of the object KIND/NAME names (in `namespace` when its kind is namespaced). */
export function kindNamePath(prefix: string, kindName: string, namespace: string): string {
  const [kind, name] = kindName.split('/', 2);
  const info = resolveKind(kind);
  return prefix + objectPath(ref(info.group ? `${info.group}/${info.version}` : info.version, info.resource, info.namespaced), info.namespaced ? namespace : undefined, name);
}

/** A built-in kind by kind, plural, singular or short name, case-insensitive, preferred version first. */
export function resolveKind(kind: string): ResourceInfo {
  const k = kind.toLowerCase();
  const [head, ...groupParts] = k.split('.');
  const group = groupParts.join('.');
  const catalog = ResourceCatalog.shared();
  for (const g of catalog.groups()) {
    if (groupParts.length && g.name !== group) continue;
    for (const version of g.versions) {
      const found = catalog.all().find(r => r.group === g.name && r.version === version && !r.resource.includes('/') &&
        (r.resource === head || r.singularName === head || r.kind.toLowerCase() === head || r.shortNames.includes(head)));
      if (found) return found;
    }
  }
  throw new FlagError(`the server doesn't have a resource type "${kind}"`);
}
