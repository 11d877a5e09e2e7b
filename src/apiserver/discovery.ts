// Discovery documents: /api, /apis, /apis/<group>, per group-version resource lists, and the
// aggregated (apidiscovery.k8s.io v2 / v2beta1) form kubectl 1.32 asks for first. Pure functions of
// the resource catalog; the HTTP handler only picks one and writes it.
import { ResourceCatalog, type ResourceInfo } from '../api/catalog.js';

export type AggregatedVersion = 'v2' | 'v2beta1';

const catalog = () => ResourceCatalog.shared();

/** `/api`: the legacy group's versions and where clients may reach the server. */
export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string) {
  const g = catalog().groups().find(x => x.name === name);
  if (!g) return undefined;
  const versions = g.versions.map(v => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions.find(v => v.version === g.preferredVersion)! };
}

/** `/apis`: every named group (the legacy group lives at /api). */
export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog().groups().filter(g => g.name).map(g => groupEntry(g.name)!) };
}

/** `/apis/<group>`, or undefined for a group not served. */
export function apiGroup(name: string) {
  const g = name ? groupEntry(name) : undefined;
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...g };
}

function resourcesOf(group: string, version: string): ResourceInfo[] {
  return catalog().all().filter(r => r.group === group && r.version === version);
}

/**
 * `/api/v1` and `/apis/<group>/<version>`: resources, then each one's subresources as
 * `<resource>/<sub>` entries with an empty singular name, as upstream lists them.
 */
export function apiResourceList(group: string, version: string) {
  const resources = resourcesOf(group, version);
  if (!resources.length) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of resources) {
    const entry: Record<string, unknown> = { name: r.resource, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories.length) entry.categories = r.categories;
    if (r.storageVersionHash) entry.storageVersionHash = r.storageVersionHash;
    out.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced };
      // Group and version appear only when the subresource's kind lives elsewhere (scale, eviction, token).
      if (s.group !== r.group || s.version !== r.version) Object.assign(sub, { group: s.group, version: s.version });
      out.push(Object.assign(sub, { kind: s.kind, verbs: s.verbs }));
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: out };
}

/**
 * Which aggregated discovery version an Accept header asks for, taking the first acceptable entry
 * in the client's order; null means the client wants the classic documents.
 */
export function negotiateDiscovery(accept: string): AggregatedVersion | null {
  for (const entry of accept.split(',')) {
    const [type, ...rawParams] = entry.split(';').map(s => s.trim());
    if (type !== 'application/json') continue;
    const params = new Map(rawParams.map(p => p.split('=').map(s => s.trim()) as [string, string]));
    if (params.get('g') !== 'apidiscovery.k8s.io' || params.get('as') !== 'APIGroupDiscoveryList') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return null;
}

/** The Content-Type an aggregated discovery answer carries. */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** `/api` or `/apis` as an APIGroupDiscoveryList: every group, version and resource in one document. */
export function aggregatedDiscovery(root: 'api' | 'apis', version: AggregatedVersion) {
  const groups = catalog().groups().filter(g => (root === 'api' ? g.name === '' : g.name !== ''));
  const items = groups.map(g => ({
    // ObjectMeta as Go serializes it: an empty name (the legacy group) is omitted.
    metadata: g.name ? { name: g.name, creationTimestamp: null } : { creationTimestamp: null },
    // The preferred version comes first, as upstream orders it.
    versions: [g.preferredVersion, ...g.versions.filter(v => v !== g.preferredVersion)].map(v => ({
      version: v,
      resources: resourcesOf(g.name, v).map(resourceDiscovery),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

function resourceDiscovery(r: ResourceInfo) {
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
}
