// Discovery documents: /api, /apis, /apis/<group>, per group-version resource lists, and the
// aggregated (apidiscovery.k8s.io v2 / v2beta1) form kubectl 1.32 asks for first.
import { ResourceCatalog, type ResourceInfo } from '../api/catalog.js';

const catalog = () => ResourceCatalog.shared();

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string) {
  const g = catalog().groups().find(x => x.name === name);
  if (!g) return undefined;
  const versions = g.versions.map(v => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions.find(v => v.version === g.preferredVersion)! };
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog().groups().filter(g => g.name).map(g => groupEntry(g.name)!) };
}

export function apiGroup(name: string) {
  const g = groupEntry(name);
  return g && name ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}

function resourcesOf(group: string, version: string): ResourceInfo[] {
  return catalog().all().filter(r => r.group === group && r.version === version);
}

export function apiResourceList(group: string, version: string) {
  const resources = resourcesOf(group, version);
  if (!resources.length) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of resources) {
    const entry: Record<string, unknown> = { name: r.resource, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    out.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group !== r.group || s.version !== r.version) Object.assign(sub, { group: s.group, version: s.version });
      out.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: out };
}

/** Which aggregated discovery version the Accept header asks for, if any. */
export function negotiateDiscovery(accept: string): 'v2' | 'v2beta1' | null {
  for (const part of accept.split(',')) {
    const p = part.replace(/\s/g, '');
    if (!p.includes('g=apidiscovery.k8s.io') || !p.includes('as=APIGroupDiscoveryList')) continue;
    if (p.includes('v=v2beta1')) return 'v2beta1';
    if (p.includes('v=v2')) return 'v2';
  }
  return null;
}

export function aggregatedDiscovery(root: 'api' | 'apis', version: 'v2' | 'v2beta1') {
  const groups = catalog().groups().filter(g => (root === 'api' ? g.name === '' : g.name !== ''));
  const items = groups.map(g => ({
    metadata: { name: g.name, creationTimestamp: null },
    // The preferred version comes first, as upstream orders it.
    versions: [g.preferredVersion, ...g.versions.filter(v => v !== g.preferredVersion)].map(v => ({
      version: v,
      freshness: 'Current',
      resources: resourcesOf(g.name, v).map(r => {
        const entry: Record<string, unknown> = {
          resource: r.resource,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singularName,
          verbs: r.verbs,
        };
        if (r.shortNames.length) entry.shortNames = r.shortNames;
        if (r.categories.length) entry.categories = r.categories;
        if (r.subresources.length) {
          entry.subresources = r.subresources.map(s => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs }));
        }
        return entry;
      }),
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
