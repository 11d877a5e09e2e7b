// Discovery with the aggregated APIs in it, as upstream's aggregator serves /apis, /apis/<group> and
// the aggregated (apidiscovery.k8s.io) documents: every Service-backed APIService's group-version and
// every local one an in-process server serves,
// groups ordered by their highest groupPriorityMinimum among the built-in ones, versions by
// versionPriority then kube-aware version order. Resources come from what each server last answered to the availability check;
// an APIService not Available keeps its last answer, marked Stale in aggregated discovery.
import { isTrue } from '../../api/conditions.js';
import { compareKubeAwareVersions } from '../../api/custom-resources.js';
import type { APIService } from '../../api/types/generated.js';
import type { RemoteDiscovery } from './availability-controller.js';
import { builtInPriority, CUSTOM_RESOURCE_PRIORITY } from './priorities.js';

export interface AggregatedVersion {
  version: string;
  versionPriority: number;
  available: boolean;
  resources?: Record<string, unknown>[];
}

export interface AggregatedGroup {
  name: string;
  priority: number;
  /** Preferred first. */
  versions: AggregatedVersion[];
}

/**
 * The Service-backed APIServices, and the local ones served in-process (their resources by
 * APIService name), by group; a group this server serves itself is never taken over.
 */
export function aggregatedGroups(apiServices: APIService[], discovered: RemoteDiscovery, localGroups: Set<string>, inProcess: Map<string, Record<string, unknown>[]> = new Map()): AggregatedGroup[] {
  const groups = new Map<string, AggregatedGroup>();
  for (const a of apiServices) {
    const spec = a.spec;
    const name = a.metadata?.name ?? '';
    if (!spec?.group || localGroups.has(spec.group) || (!spec.service && !inProcess.has(name))) continue;
    let g = groups.get(spec.group);
    if (!g) groups.set(spec.group, (g = { name: spec.group, priority: 0, versions: [] }));
    g.priority = Math.max(g.priority, spec.groupPriorityMinimum);
    g.versions.push({
      version: spec.version ?? '', versionPriority: spec.versionPriority,
      available: isTrue(a.status?.conditions, 'Available'),
      resources: spec.service ? discovered.get(name)?.resources : inProcess.get(name),
    });
  }
  for (const g of groups.values()) g.versions.sort((x, y) => y.versionPriority - x.versionPriority || compareKubeAwareVersions(x.version, y.version));
  return [...groups.values()].sort((x, y) => y.priority - x.priority || x.name.localeCompare(y.name));
}

/** A served group's priority: the aggregator's own group comes first, then the built-in table's, else a custom resource group's. */
function localPriority(name: string, version: string): number {
  if (name === 'apiregistration.k8s.io') return Infinity;
  return builtInPriority(name, version)?.group ?? CUSTOM_RESOURCE_PRIORITY.group;
}

/** Puts each aggregated group before the first local group of lower priority (the local order is kept). */
function interleave<T>(local: T[], localKey: (t: T) => { name: string; version: string }, extra: AggregatedGroup[], toEntry: (g: AggregatedGroup) => T): T[] {
  const out = [...local];
  for (const g of extra) {
    const at = out.findIndex(t => {
      const k = localKey(t);
      return !extra.some(e => e.name === k.name) && k.name !== '' && localPriority(k.name, k.version) < g.priority;
    });
    if (at < 0) out.push(toEntry(g)); else out.splice(at, 0, toEntry(g));
  }
  return out;
}

interface GroupEntry {
  name: string;
  versions: { groupVersion: string; version: string }[];
  preferredVersion: { groupVersion: string; version: string };
}

function groupEntry(g: AggregatedGroup): GroupEntry {
  const versions = g.versions.map(v => ({ groupVersion: `${g.name}/${v.version}`, version: v.version }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/** `/apis/<group>` for an aggregated group. */
export function aggregatedAPIGroup(g: AggregatedGroup) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) };
}

/** `/apis` (APIGroupList) with the aggregated groups in priority order. */
export function withAggregatedGroups<L extends { groups: GroupEntry[] }>(list: L, extra: AggregatedGroup[]): L {
  const key = (e: GroupEntry) => ({ name: e.name, version: e.preferredVersion.version });
  return { ...list, groups: interleave(list.groups, key, extra, groupEntry) };
}

interface DiscoveryItem {
  metadata: { name?: string; creationTimestamp?: null };
  versions: { version: string }[];
}

/** The aggregated (apidiscovery.k8s.io) `/apis` document with the aggregated groups in it. */
export function withAggregatedDiscovery<D extends { items: DiscoveryItem[] }>(doc: D, extra: AggregatedGroup[]): D {
  const key = (i: DiscoveryItem) => ({ name: i.metadata.name ?? '', version: i.versions[0]?.version ?? '' });
  // Versions no server has described yet are left out, as upstream leaves out what it could not fetch.
  const described = extra.map(g => ({ ...g, versions: g.versions.filter(v => v.resources) })).filter(g => g.versions.length);
  return { ...doc, items: interleave(doc.items, key, described, aggregatedItem) };
}

function aggregatedItem(g: AggregatedGroup): DiscoveryItem {
  return {
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map(v => ({
      version: v.version,
      resources: resourcesForAggregated(g.name, v.version, v.resources ?? []),
      freshness: v.available ? 'Current' : 'Stale',
    })),
  };
}

/** APIResourceList entries (subresources as `<resource>/<sub>`) in the aggregated discovery shape. */
function resourcesForAggregated(group: string, version: string, list: Record<string, unknown>[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const kindOf = (r: Record<string, unknown>) => ({ group: (r.group as string | undefined) ?? group, version: (r.version as string | undefined) ?? version, kind: r.kind });
  for (const r of list) {
    const name = String(r.name ?? '');
    if (name.includes('/')) continue;
    const entry: Record<string, unknown> = {
      resource: name, responseKind: kindOf(r), scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName ?? '', verbs: r.verbs ?? [],
    };
    if (Array.isArray(r.shortNames) && r.shortNames.length) entry.shortNames = r.shortNames;
    if (Array.isArray(r.categories) && r.categories.length) entry.categories = r.categories;
    const subs = list.filter(s => String(s.name ?? '').startsWith(`${name}/`));
    if (subs.length) entry.subresources = subs.map(s => ({ subresource: String(s.name).slice(name.length + 1), responseKind: kindOf(s), verbs: s.verbs ?? [] }));
    out.push(entry);
  }
  return out;
}
