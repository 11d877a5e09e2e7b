// What an established CustomResourceDefinition serves, as catalog entries: one ResourceInfo per
// served version (names from status.acceptedNames, as upstream's discovery reports them), and the
// groups with their versions in upstream's kube-aware priority order (the first one is preferred).
import { isTrue } from './conditions.js';
import { storageVersionHash, type GroupInfo, type ResourceInfo, type SubresourceInfo } from './catalog.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './types/generated.js';

/** Upstream's verbs for custom resources, in the order its discovery lists them. */
const VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

export const CUSTOM_RESOURCE_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export function isEstablished(crd: CustomResourceDefinition): boolean {
  return isTrue(crd.status?.conditions, 'Established');
}

export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  return crd.spec.versions.find(v => v.storage)?.name;
}

export function servedVersions(crd: CustomResourceDefinition): CustomResourceDefinitionVersion[] {
  return crd.spec.versions.filter(v => v.served).sort((a, b) => compareKubeAwareVersions(a.name, b.name));
}

/** The catalog entries of an established CRD (none otherwise). */
export function customResourceInfos(crd: CustomResourceDefinition): ResourceInfo[] {
  if (!isEstablished(crd)) return [];
  const names = crd.status?.acceptedNames ?? crd.spec.names;
  const group = crd.spec.group;
  const storage = storageVersionOf(crd);
  return servedVersions(crd).map(v => {
    const subresources: SubresourceInfo[] = [];
    if (v.subresources?.scale) subresources.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: SUBRESOURCE_VERBS });
    if (v.subresources?.status) subresources.push({ name: 'status', kind: names.kind, group, version: v.name, verbs: SUBRESOURCE_VERBS });
    subresources.sort((a, b) => a.name.localeCompare(b.name));
    return {
      group, version: v.name, resource: crd.spec.names.plural, kind: names.kind, listKind: names.listKind ?? `${names.kind}List`,
      singularName: names.singular || names.kind.toLowerCase(), namespaced: crd.spec.scope === 'Namespaced', verbs: VERBS,
      shortNames: names.shortNames ?? [], categories: names.categories ?? [], subresources, definition: '',
      storageVersionHash: storage ? storageVersionHash(`${group}/${storage}/${names.kind}`) : undefined,
    };
  });
}

/**
 * The groups of these CRDs' served resources: each group's versions by kube-aware priority; groups
 * by name (upstream gives every CRD group the same aggregator priority, so the name decides).
 */
export function customResourceGroups(resources: ResourceInfo[]): GroupInfo[] {
  const versions = new Map<string, Set<string>>();
  for (const r of resources) {
    let set = versions.get(r.group);
    if (!set) versions.set(r.group, (set = new Set()));
    set.add(r.version);
  }
  return [...versions.keys()].sort().map(name => {
    const sorted = [...versions.get(name)!].sort(compareKubeAwareVersions);
    return { name, versions: sorted, preferredVersion: sorted[0] };
  });
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Upstream's version.CompareKubeAwareVersionStrings as a sort comparator (highest priority first):
 * GA before beta before alpha, higher numbers first; versions not of that form last, by name.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) return !ma && !mb ? a.localeCompare(b) : ma ? -1 : 1;
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (Number(ma[1]) !== Number(mb[1])) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
