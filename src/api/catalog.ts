// The resource catalog: every served resource with its kind, scope, verbs and subresources,
// derived from the paths of the shipped OpenAPI spec (x-kubernetes-action and
// x-kubernetes-group-version-kind), restricted to the groups k8ts serves.
import { createHash } from 'node:crypto';
import { OpenApiSpec, type GroupVersionKind } from './schema.js';
import { CATEGORIES, SHORT_NAMES } from './short-names.js';

export interface SubresourceInfo {
  name: string;
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  resource: string;
  kind: string;
  listKind: string;
  singularName: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: SubresourceInfo[];
  /** Swagger definition name of the kind, e.g. io.k8s.api.core.v1.Pod. */
  definition: string;
  /** Upstream's hash of the storage group/version/kind; absent for resources that are not stored. */
  storageVersionHash?: string;
}

export interface GroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

/**
 * Served group-versions in upstream's discovery order (the aggregator's own group, then the
 * group priorities, highest first; within a group the preferred version first), which is the order `kubectl api-resources`
 * and `kubectl api-versions` show.
 */
export const SERVED_GROUP_VERSIONS = [
  'v1', 'apiregistration.k8s.io/v1', 'apps/v1', 'events.k8s.io/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1',
  'autoscaling/v2', 'autoscaling/v1', 'batch/v1', 'certificates.k8s.io/v1', 'networking.k8s.io/v1',
  'policy/v1', 'rbac.authorization.k8s.io/v1', 'storage.k8s.io/v1', 'admissionregistration.k8s.io/v1', 'apiextensions.k8s.io/v1',
  'scheduling.k8s.io/v1', 'coordination.k8s.io/v1', 'node.k8s.io/v1', 'discovery.k8s.io/v1',
];

// Resources stored in another group-version than the one served: their storage hash is the stored one's.
const STORED_AS: Record<string, string> = {
  'autoscaling/v1/horizontalpodautoscalers': 'autoscaling/v2/HorizontalPodAutoscaler',
  'events.k8s.io/v1/events': '/v1/Event',
};

const ACTION_VERBS: Record<string, string> = {
  post: 'create', list: 'list', deletecollection: 'deletecollection', get: 'get', put: 'update',
  patch: 'patch', delete: 'delete', watchlist: 'watch', watch: 'watch',
};
// Connect subresources (exec, proxy, ...) report their HTTP methods as verbs.
const CONNECT_VERBS: Record<string, string> = { get: 'get', post: 'create', put: 'update', delete: 'delete', patch: 'patch' };
const VERB_ORDER = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Operation {
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: GroupVersionKind;
}

export class ResourceCatalog {
  private readonly builtIn: ResourceInfo[];
  private resources: ResourceInfo[];
  private readonly byResource = new Map<string, ResourceInfo>();
  private readonly byKind = new Map<string, ResourceInfo>();
  /** Groups of custom resources (CRDs), served after the built-in ones. */
  private customGroups: GroupInfo[] = [];

  constructor(spec: OpenApiSpec) {
    this.builtIn = this.resources = buildCatalog(spec);
    this.index();
  }

  private index(): void {
    this.byResource.clear();
    this.byKind.clear();
    for (const r of this.resources) {
      this.byResource.set(`${r.group}/${r.version}/${r.resource}`, r);
      if (!this.byKind.has(`${r.group}/${r.version}/${r.kind}`)) this.byKind.set(`${r.group}/${r.version}/${r.kind}`, r);
    }
  }

  /**
   * Replaces the served custom resources (one entry per served version of each established CRD)
   * and their groups. A group-version that a built-in resource serves is never taken over.
   */
  setCustomResources(resources: ResourceInfo[], groups: GroupInfo[]): void {
    const builtInGroups = new Set(this.builtIn.map(r => r.group));
    this.resources = [...this.builtIn, ...resources.filter(r => !builtInGroups.has(r.group))];
    this.customGroups = groups.filter(g => !builtInGroups.has(g.name));
    this.index();
  }

  static shared(): ResourceCatalog {
    sharedCatalog ??= new ResourceCatalog(OpenApiSpec.shared());
    return sharedCatalog;
  }

  all(): ResourceInfo[] {
    return this.resources;
  }

  find(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byResource.get(`${group}/${version}/${resource}`);
  }

  findByKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  /** Served groups in discovery order; the first version listed is the preferred one. */
  groups(): GroupInfo[] {
    const out: GroupInfo[] = [];
    for (const gv of SERVED_GROUP_VERSIONS) {
      const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
      let g = out.find(x => x.name === group);
      if (!g) out.push((g = { name: group, versions: [], preferredVersion: version }));
      g.versions.push(version);
    }
    return [...out, ...this.customGroups];
  }
}

let sharedCatalog: ResourceCatalog | undefined;

function buildCatalog(spec: OpenApiSpec): ResourceInfo[] {
  const served = new Set(SERVED_GROUP_VERSIONS);
  const found = new Map<string, ResourceInfo>();
  const subs: { key: string; name: string; method: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(spec.doc.paths)) {
    const m = path.match(/^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.*)$/);
    if (!m) continue;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3];
    if (!served.has(group ? `${group}/${version}` : version)) continue;
    let rest = m[4];
    if (rest.startsWith('watch/')) rest = rest.slice('watch/'.length);
    let namespaced = false;
    if (rest.startsWith('namespaces/{namespace}/')) {
      namespaced = true;
      rest = rest.slice('namespaces/{namespace}/'.length);
    }
    const [resource, nameParam, sub, ...more] = rest.split('/');
    if (!resource || more.length || (nameParam && nameParam !== '{name}')) continue;
    const key = `${group}/${version}/${resource}`;
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as Operation;
      const action = op['x-kubernetes-action'];
      const gvk = op['x-kubernetes-group-version-kind'];
      if (!action || !gvk) continue;
      if (sub) {
        subs.push({ key, name: sub, method, op });
        continue;
      }
      let info = found.get(key);
      if (!info) {
        info = {
          group, version, resource, kind: gvk.kind, listKind: `${gvk.kind}List`, singularName: gvk.kind.toLowerCase(),
          namespaced: false, verbs: [], shortNames: SHORT_NAMES[`${group}/${resource}`] ?? [],
          categories: CATEGORIES[`${group}/${resource}`] ?? [], subresources: [],
          definition: spec.definitionNameFor(gvk) ?? '',
        };
        found.set(key, info);
      }
      if (namespaced) info.namespaced = true;
      const verb = ACTION_VERBS[action];
      if (verb && !info.verbs.includes(verb)) info.verbs.push(verb);
    }
  }
  for (const s of subs) {
    const parent = found.get(s.key);
    if (!parent) continue;
    const action = s.op['x-kubernetes-action']!;
    const gvk = s.op['x-kubernetes-group-version-kind']!;
    const verb = action === 'connect' ? CONNECT_VERBS[s.method] : ACTION_VERBS[action];
    if (!verb) continue;
    let sub = parent.subresources.find(x => x.name === s.name);
    if (!sub) parent.subresources.push((sub = { name: s.name, kind: gvk.kind, group: gvk.group, version: gvk.version, verbs: [] }));
    if (!sub.verbs.includes(verb)) sub.verbs.push(verb);
  }
  for (const r of found.values()) {
    r.verbs.sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
    for (const s of r.subresources) s.verbs.sort();
    r.subresources.sort((a, b) => a.name.localeCompare(b.name));
    // Only resources kept in storage carry a hash; those are the watchable ones (not reviews, bindings).
    if (r.verbs.includes('watch')) r.storageVersionHash = storageVersionHash(STORED_AS[`${r.group}/${r.version}/${r.resource}`] ?? `${r.group}/${r.version}/${r.kind}`);
  }
  const order = (r: ResourceInfo) => SERVED_GROUP_VERSIONS.indexOf(r.group ? `${r.group}/${r.version}` : r.version);
  return [...found.values()].sort((a, b) => order(a) - order(b) || a.resource.localeCompare(b.resource));
}

/** Upstream's StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(gvk: string): string {
  return createHash('sha256').update(gvk).digest().subarray(0, 8).toString('base64');
}
