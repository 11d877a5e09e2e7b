// Expectations: what a controller has just asked for but its informer has not shown yet. A
// controller that creates 3 pods must not create them again because its cache still shows none, so
// it skips managing replicas until every created pod has been seen and every deleted pod has been
// seen going away (or the expectation has expired, as upstream's 5 minute TTL).
import type { KubeObject } from '../../api/object.js';
import { objectKey, type Informer } from '../../client/informer.js';

const TTL_MS = 5 * 60_000;

interface Pending { creations: Set<string>; deletions: Set<string>; since: number }

export class Expectations {
  private readonly pending = new Map<string, Pending>();
  /** Object key -> the controller key waiting for it. */
  private readonly waiters = new Map<string, string>();

  /** Observes `informer` so that adds satisfy creations and deletions satisfy deletions. */
  constructor(private readonly informer: Informer) {
    informer.on({
      add: obj => this.observe(obj, false),
      update: (_, obj) => this.observe(obj, Boolean(obj.metadata.deletionTimestamp)),
      delete: obj => this.observe(obj, true),
    });
  }

  /** True when the controller of `key` may act on its cache again. */
  satisfied(key: string, now = Date.now()): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    if ((p.creations.size === 0 && p.deletions.size === 0) || now - p.since > TTL_MS) {
      this.forget(key);
      return true;
    }
    return false;
  }

  /** Records created objects (keys `ns/name`) not yet in the informer's cache. */
  expectCreations(key: string, objectKeys: string[]): void {
    const missing = objectKeys.filter(k => !this.informer.get(k));
    for (const k of missing) {
      this.entry(key).creations.add(k);
      this.waiters.set(k, key);
    }
  }

  /** Records deleted objects still present (and not yet terminating) in the informer's cache. */
  expectDeletions(key: string, objectKeys: string[]): void {
    const present = objectKeys.filter(k => {
      const o = this.informer.get(k);
      return o && !o.metadata.deletionTimestamp;
    });
    for (const k of present) {
      this.entry(key).deletions.add(k);
      this.waiters.set(k, key);
    }
  }

  forget(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    for (const k of [...p.creations, ...p.deletions]) this.waiters.delete(k);
    this.pending.delete(key);
  }

  private entry(key: string): Pending {
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { creations: new Set(), deletions: new Set(), since: Date.now() }));
    return p;
  }

  private observe(obj: KubeObject, gone: boolean): void {
    if (this.waiters.size === 0) return;
    const k = objectKey(obj);
    const waiter = this.waiters.get(k);
    const p = waiter === undefined ? undefined : this.pending.get(waiter);
    if (!p) return;
    p.creations.delete(k);
    if (gone) p.deletions.delete(k);
    if (!p.creations.has(k) && !p.deletions.has(k)) this.waiters.delete(k);
  }
}

/** One Expectations per informer, so a restarted manager (new informers) starts afresh. */
export function expectationsFor(cache: WeakMap<Informer, Expectations>, informer: Informer): Expectations {
  let e = cache.get(informer);
  if (!e) cache.set(informer, (e = new Expectations(informer)));
  return e;
}
