// Keeps the Node authorizer's graph in step with the API server's own watch caches of pods,
// persistent volumes and volume attachments (upstream feeds it from the server's informers).
import type { KubeObject } from '../../../api/object.js';
import type { PersistentVolume, Pod, VolumeAttachment } from '../../../api/types/generated.js';
import type { Registry } from '../../registry/registry.js';
import type { CacheEvent } from '../../registry/watch-cache.js';
import type { Authorizer } from '../authorizer.js';
import { NodeGraph } from './graph.js';
import { nodeIdentity } from './identity.js';
import { NodeAuthorizer } from './node-authorizer.js';

interface Feed {
  group: string;
  resource: string;
  set(graph: NodeGraph, obj: KubeObject): void;
  remove(graph: NodeGraph, obj: KubeObject): void;
}

const FEEDS: Feed[] = [
  {
    group: '', resource: 'pods',
    set: (g, o) => g.setPod(o as Pod),
    remove: (g, o) => g.deletePod(o.metadata.namespace ?? '', o.metadata.name ?? ''),
  },
  {
    group: '', resource: 'persistentvolumes',
    set: (g, o) => g.setPersistentVolume(o as PersistentVolume),
    remove: (g, o) => g.deletePersistentVolume(o.metadata.name ?? ''),
  },
  {
    group: 'storage.k8s.io', resource: 'volumeattachments',
    set: (g, o) => g.setVolumeAttachment(o as unknown as VolumeAttachment),
    remove: (g, o) => g.deleteVolumeAttachment(o.metadata.name ?? ''),
  },
];

/** Fills the graph from the (started) caches and follows them; returns what stops following. */
export function populateNodeGraph(graph: NodeGraph, registry: Registry): () => void {
  const unsubscribes = FEEDS.map(feed => {
    const cache = registry.get(feed.group, feed.resource).cache;
    // Listing and subscribing in the same tick: no event falls between them.
    for (const { object } of cache.list()) feed.set(graph, object);
    return cache.subscribe((events: CacheEvent[]) => {
      for (const e of events) {
        if (e.type === 'DELETED') feed.remove(graph, e.current.object);
        else feed.set(graph, e.current.object);
      }
    });
  });
  return () => { for (const u of unsubscribes) u(); };
}

/**
 * The Node authorizer over a registry's caches. The graph is filled on the first question, which
 * comes with the first request, after the server has loaded its caches and before it answers.
 */
export function registryNodeAuthorizer(registry: Registry): Authorizer {
  const graph = new NodeGraph();
  const authorizer = new NodeAuthorizer(graph);
  let populated = false;
  return {
    authorize(user, request) {
      if (!populated) {
        populateNodeGraph(graph, registry);
        populated = true;
      }
      return authorizer.authorize(user, request);
    },
    // As upstream's: what a node may do depends on the graph, so it cannot be listed.
    rulesFor: user => nodeIdentity(user) === undefined
      ? { resourceRules: [], nonResourceRules: [], incomplete: false }
      : { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' },
  };
}
