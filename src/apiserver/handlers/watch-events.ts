// Which watch events a client with selectors sees for a batch of cache changes: an object that
// starts matching is ADDED, one that stops matching is DELETED, one that keeps matching is
// MODIFIED, as upstream's cacher filters events per watcher.
import type { KubeObject } from '../../api/object.js';
import type { CacheEvent, CachedObject } from '../registry/watch-cache.js';

export interface WatchEventOut {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: CachedObject;
}

/** The events for a watcher of `namespace` ('' for all) whose selectors are `match`. */
export function watchEventsFor(events: CacheEvent[], namespace: string, match: (o: KubeObject) => boolean): WatchEventOut[] {
  const out: WatchEventOut[] = [];
  for (const e of events) {
    if (namespace && e.current.object.metadata.namespace !== namespace) continue;
    const now = e.type !== 'DELETED' && match(e.current.object);
    const before = e.type === 'ADDED' ? false : e.type === 'DELETED' ? match(e.current.object) : e.previous ? match(e.previous.object) : now;
    if (e.type === 'DELETED') { if (before) out.push({ type: 'DELETED', object: e.current }); continue; }
    if (now && before) out.push({ type: 'MODIFIED', object: e.current });
    else if (now) out.push({ type: 'ADDED', object: e.current });
    else if (before) out.push({ type: 'DELETED', object: e.current });
  }
  return out;
}
