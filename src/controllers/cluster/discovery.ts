// Resource discovery through the API, as the namespace controller and garbage collector need it:
// every served resource (preferred version of each group) with its kind and verbs, refreshed at
// most every few seconds so new CRDs are picked up without hammering the server.
import type { RestClient } from '../../client/rest-client.js';
import type { ResourceRef } from '../../client/resources.js';

export interface DiscoveredResource {
  ref: ResourceRef;
  kind: string;
  verbs: string[];
}

interface APIResource { name: string; kind: string; namespaced: boolean; verbs?: string[] }
interface APIResourceList { groupVersion: string; resources: APIResource[] }
interface APIGroupList { groups: { name: string; preferredVersion?: { version: string }; versions: { version: string }[] }[] }

export function toDiscovered(groupVersion: string, list: APIResource[]): DiscoveredResource[] {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
  return list
    .filter(r => !r.name.includes('/'))
    .map(r => ({ ref: { group, version, resource: r.name, namespaced: r.namespaced }, kind: r.kind, verbs: r.verbs ?? [] }));
}

export class Discovery {
  private cached?: { at: number; resources: DiscoveredResource[] };

  constructor(private readonly client: RestClient, private readonly maxAgeMs = 5_000) {}

  async resources(): Promise<DiscoveredResource[]> {
    if (this.cached && Date.now() - this.cached.at < this.maxAgeMs) return this.cached.resources;
    const core = await this.client.get<APIResourceList>('/api/v1');
    const out = toDiscovered('v1', core.resources);
    const groups = await this.client.get<APIGroupList>('/apis');
    const lists = await Promise.all(groups.groups.map(g => {
      const version = g.preferredVersion?.version ?? g.versions[0]?.version;
      return version ? this.client.get<APIResourceList>(`/apis/${g.name}/${version}`) : undefined;
    }));
    for (const l of lists) if (l) out.push(...toDiscovered(l.groupVersion, l.resources));
    this.cached = { at: Date.now(), resources: out };
    return out;
  }

  /** The resource serving a kind of an apiVersion's group (at that group's preferred version). */
  async forKind(apiVersion: string, kind: string): Promise<DiscoveredResource | undefined> {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const find = (rs: DiscoveredResource[]) => rs.find(r => r.ref.group === group && r.kind === kind);
    const hit = find(await this.resources());
    if (hit) return hit;
    this.cached = undefined;
    return find(await this.resources());
  }
}
