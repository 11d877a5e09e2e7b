// The param objects one binding hands its policy, as upstream's generic.CollectParams: none when
// the policy has no paramKind (one evaluation with `params` null), else the object named by
// paramRef.name or every object paramRef.selector selects, in paramRef.namespace or the request's
// namespace; finding none denies or allows per parameterNotFoundAction. Read from the watch cache.
import type { ResourceInfo } from '../../../api/catalog.js';
import type { KubeObject } from '../../../api/object.js';
import { selectorMatches } from '../../../api/validation/selector.js';
import type { Obj } from '../../../api/validation/types.js';
import type { Registry } from '../../registry/registry.js';
import { namespacePrefix } from '../../registry/keys.js';

export class ParamError extends Error {}

/** `group/version, Kind=kind`, as a Go GroupVersionKind prints. */
export function paramKindText(pk: Obj): string {
  const gv: string = pk.apiVersion ?? '';
  return `${gv.includes('/') ? gv : `/${gv}`}, Kind=${pk.kind ?? ''}`;
}

export function paramResource(registry: Registry, pk: Obj): ResourceInfo | undefined {
  const gv: string = pk.apiVersion ?? '';
  const [group, version] = gv.includes('/') ? gv.split('/') as [string, string] : ['', gv];
  return registry.catalog.findByKind(group, version, pk.kind ?? '');
}

/** The params to evaluate with; `[null]` for a policy without paramKind, `[]` to skip (Allow). */
export function collectParams(registry: Registry, policy: Obj, binding: Obj, requestNamespace: string): (KubeObject | null)[] {
  const pk: Obj | undefined = policy.spec?.paramKind;
  if (!pk) return [null];
  const ref: Obj | undefined = binding.spec?.paramRef;
  if (!ref) throw new ParamError('paramKind non-nil but paramRef is nil');
  const info = paramResource(registry, pk);
  if (!info) throw new ParamError(`paramKind kind \`${paramKindText(pk)}\` not known`);
  let namespace = requestNamespace;
  if (ref.namespace) {
    if (!info.namespaced) throw new ParamError('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
    namespace = ref.namespace;
  } else if (!info.namespaced) {
    namespace = '';
  } else if (!namespace) {
    throw new ParamError('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  }
  const store = registry.get(info.group, info.resource);
  let found: KubeObject[];
  if (ref.name) {
    const hit = store.getCached(namespace, ref.name);
    found = hit ? [hit.object] : [];
  } else if (ref.selector) {
    found = store.cache.list(namespacePrefix(info, namespace)).map(c => c.object).filter(o => selectorMatches(ref.selector, o.metadata?.labels as Record<string, string> | undefined));
  } else {
    throw new ParamError('one of name or selector must be set');
  }
  if (!found.length && ref.parameterNotFoundAction === 'Deny') throw new ParamError('no params found for policy binding with `Deny` parameterNotFoundAction');
  // Stored objects may lack their type; CEL code reads params.kind like any field.
  return found.map(o => ({ ...o, apiVersion: o.apiVersion ?? pk.apiVersion, kind: o.kind ?? pk.kind }) as KubeObject);
}
