// The why API's reads: the object asked about and what explains it — its events, owners,
// ReplicaSets, pods and Endpoints — from the registry's watch caches (the server's current view,
// no store round trip), handed to the pure builder of its kind.
import type { KubeObject } from '../../api/object.js';
import type { Deployment, Endpoints, Node, Pod, ReplicaSet, Service } from '../../api/types/generated.js';
import type { Explanation } from '../../api/why.js';
import { resourceNotFound } from '../handlers/non-resource.js';
import type { Registry } from '../registry/registry.js';
import { namespacePrefix } from '../registry/keys.js';
import type { ResourceRequest } from '../request-info.js';
import type { Event, OwnerLink } from './common.js';
import { explainDeployment } from './deployment.js';
import { explainObject } from './generic.js';
import { explainPod } from './pod.js';
import { explainService } from './service.js';

/** Owner chains longer than this are cut (a cycle of references must not loop). */
const MAX_OWNER_DEPTH = 10;

export async function explain(registry: Registry, ri: ResourceRequest): Promise<Explanation> {
  const store = registry.find(ri.group, ri.version, ri.resource);
  if (!store) throw resourceNotFound();
  const obj = await store.read(ri.namespace, ri.name);
  const reads = new ClusterReads(registry, obj.metadata.namespace ?? '');
  const eventsOf = (uid: string | undefined) => reads.eventsOf(uid);
  switch (`${ri.group}/${ri.resource}`) {
    case '/pods': {
      const owners = reads.ownerChain(obj);
      const owner = owners[0]?.object;
      const nodeName = (obj as Pod).spec?.nodeName;
      return explainPod(obj as Pod, {
        events: reads.eventsOf(obj.metadata.uid), owners,
        node: nodeName ? registry.get('', 'nodes').getCached('', nodeName)?.object as Node | undefined : undefined,
        ownerEvents: owner ? reads.eventsOf(owner.metadata.uid).filter(e => e.type === 'Warning' && e.reason === 'FailedCreate') : [],
      });
    }
    case 'apps/deployments': {
      const replicaSets = reads.controlledBy<ReplicaSet>('apps', 'replicasets', obj.metadata.uid);
      const uids = new Set(replicaSets.map(rs => rs.metadata?.uid));
      const pods = reads.list<Pod>('', 'pods').filter(p => p.metadata?.ownerReferences?.some(r => r.controller && uids.has(r.uid)));
      return explainDeployment(obj as Deployment, { replicaSets, pods, eventsOf });
    }
    case '/services': {
      const endpoints = registry.get('', 'endpoints').getCached(obj.metadata.namespace ?? '', obj.metadata.name!)?.object as Endpoints | undefined;
      return explainService(obj as Service, { pods: reads.list<Pod>('', 'pods'), endpoints, eventsOf });
    }
    case '/nodes':
      // The kubelet refers to its Node by the name as UID (upstream's convention); controllers by the real UID.
      return explainObject(obj, { events: [...reads.eventsOf(obj.metadata.uid), ...reads.eventsOf(obj.metadata.name)], owners: [] });
    default:
      return explainObject(obj, { events: reads.eventsOf(obj.metadata.uid), owners: reads.ownerChain(obj) });
  }
}

/** Reads of one namespace (events of cluster-scoped objects live in "default", as upstream records them). */
class ClusterReads {
  private events?: Map<string, Event[]>;

  constructor(private readonly registry: Registry, private readonly namespace: string) {}

  list<T>(group: string, resource: string): T[] {
    const store = this.registry.get(group, resource);
    return store.cache.list(namespacePrefix(store.info, this.namespace)).map(c => c.object as T);
  }

  controlledBy<T extends { metadata?: { ownerReferences?: { uid: string; controller?: boolean }[] } }>(group: string, resource: string, uid: string | undefined): T[] {
    return this.list<T>(group, resource).filter(o => o.metadata?.ownerReferences?.some(r => r.controller && r.uid === uid));
  }

  eventsOf(uid: string | undefined): Event[] {
    if (!uid) return [];
    if (!this.events) {
      this.events = new Map();
      const store = this.registry.get('', 'events');
      for (const { object } of store.cache.list(namespacePrefix(store.info, this.namespace || 'default'))) {
        const e = object as unknown as Event;
        const about = e.involvedObject?.uid;
        if (!about) continue;
        const list = this.events.get(about);
        if (list) list.push(e);
        else this.events.set(about, [e]);
      }
    }
    return this.events.get(uid) ?? [];
  }

  /** The controller (else first) owner, its owner, and so on; a missing owner ends the chain. */
  ownerChain(obj: KubeObject): OwnerLink[] {
    const chain: OwnerLink[] = [];
    let current: KubeObject | undefined = obj;
    while (current && chain.length < MAX_OWNER_DEPTH) {
      const refs: NonNullable<KubeObject['metadata']['ownerReferences']> = current.metadata.ownerReferences ?? [];
      const ref = refs.find(r => r.controller) ?? refs[0];
      if (!ref) break;
      current = this.owner(ref, current.metadata.namespace ?? '');
      chain.push({ ref, ...(current ? { object: current } : {}) });
    }
    return chain;
  }

  private owner(ref: { apiVersion: string; kind: string; name: string; uid: string }, namespace: string): KubeObject | undefined {
    const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') : ['', ref.apiVersion];
    const info = this.registry.catalog.findByKind(group, version, ref.kind);
    const store = info && this.registry.find(info.group, info.version, info.resource);
    const found = store?.getCached(info!.namespaced ? namespace : '', ref.name)?.object;
    return found?.metadata.uid === ref.uid ? found : undefined;
  }
}
