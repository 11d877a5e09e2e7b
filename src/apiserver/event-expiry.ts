// Events expire, as with kube-apiserver's --event-ttl (1 h): upstream stores every Event write
// under an etcd lease of that length, so an Event nobody has written for an hour disappears (a
// DELETED watch event, like any delete). Without it a busy cluster's Events only ever grow. On etcd
// the store does exactly that (eventKeyPrefixes); on SQLite and memory a sweep removes Events whose
// last write is older than the TTL; the last write is read from the object itself (its
// managedFields times, else its creation), so a restart loses nothing.
import { ConflictError, NotFoundError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { systemContext } from './context.js';
import type { Registry } from './registry/registry.js';
import { resourcePrefix } from './registry/keys.js';

/** Both API groups' Events (they are kept apart here). */
const EVENT_RESOURCES: [group: string, resource: string][] = [['', 'events'], ['events.k8s.io', 'events']];

/** The storage key prefixes of both groups' Events (what an etcd store writes under a lease). */
export function eventKeyPrefixes(): string[] {
  return EVENT_RESOURCES.map(([group, resource]) => resourcePrefix({ group, resource }));
}

export interface EventExpiryOptions {
  ttlMs: number;
  /** How often to sweep. */
  intervalMs: number;
  onError(err: Error): void;
}

/** When the object was last written, to the second (metav1.Time), or undefined if it does not say. */
export function lastWriteMs(o: KubeObject): number | undefined {
  const times = [o.metadata.creationTimestamp, ...(o.metadata.managedFields ?? []).map(e => e.time)]
    .map(t => Date.parse(t ?? ''))
    .filter(t => !Number.isNaN(t));
  return times.length ? Math.max(...times) : undefined;
}

/** Deletes every Event last written before `now - ttlMs`; returns how many went. */
export async function expireEvents(registry: Registry, ttlMs: number, now = Date.now()): Promise<number> {
  const ctx = systemContext();
  let expired = 0;
  for (const [group, resource] of EVENT_RESOURCES) {
    const store = registry.get(group, resource);
    for (const { object } of store.cache.list()) {
      const written = lastWriteMs(object);
      if (written === undefined || written > now - ttlMs) continue;
      const { namespace = '', name = '', resourceVersion } = object.metadata;
      try {
        // The precondition keeps an Event written since the list.
        await store.delete(ctx, namespace, name, { preconditions: { resourceVersion } });
        expired++;
      } catch (err) {
        // Deleted or written meanwhile: the next sweep looks again.
        if (!(err instanceof NotFoundError || err instanceof ConflictError)) throw err;
      }
    }
  }
  return expired;
}

/** Sweeps every `intervalMs`; returns the stop function. */
export function startEventExpiry(registry: Registry, o: EventExpiryOptions): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    expireEvents(registry, o.ttlMs).catch(o.onError).finally(() => { running = false; });
  }, o.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
