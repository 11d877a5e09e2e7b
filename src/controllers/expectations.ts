// Expectations (client-go's ControllerExpectations, tracking objects by key as its UID-tracking
// variant does): what a controller has just asked for but its informer has not shown yet. A
// controller that creates 3 pods must not create them again because its cache still shows none, so
// it records the creations and deletions it made; each one the informer then shows lowers them, and
// the controller acts on its cache again once all are seen, or after five minutes (a lost watch
// event must not wedge a key).
import type { KubeObject } from '../api/object.js';
import { objectKey, type Informer } from '../client/informer.js';

const TTL_MS = 5 * 60_000;

/** `V`: what the controller wants to remember about each creation (a Job: the completion index). */
interface Pending<V> { creations: Map<string, V | undefined>; deletions: Set<string>; since: number }

export class Expectations<V = never> {
  private readonly pending = new Map<string, Pending<V>>();
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

  /** True when the controller of `key` may act on its cache again: everything seen, or expired. */
  satisfied(key: string, now = Date.now()): boolean {
    const p = this.live(key, now);
    return !p || (p.creations.size === 0 && p.deletions.size === 0);
  }

  /** Records created objects (keys `ns/name`) not yet in the informer's cache. */
  expectCreations(key: string, objectKeys: string[], now = Date.now()): void {
    for (const k of objectKeys) this.expectCreation(key, k, undefined, now);
  }

  /** Records one created object, with what to remember about it until the informer shows it. */
  expectCreation(key: string, objectKey: string, value?: V, now = Date.now()): void {
    if (this.informer.get(objectKey)) return;
    this.entry(key, now).creations.set(objectKey, value);
    this.waiters.set(objectKey, key);
  }

  /** Records deleted objects still present (and not yet terminating) in the informer's cache. */
  expectDeletions(key: string, objectKeys: string[], now = Date.now()): void {
    for (const k of objectKeys) {
      const o = this.informer.get(k);
      if (!o || o.metadata.deletionTimestamp) continue;
      this.entry(key, now).deletions.add(k);
      this.waiters.set(k, key);
    }
  }

  /** A snapshot of the creations not yet seen (object key -> remembered value); empty once expired. */
  pendingCreations(key: string, now = Date.now()): Map<string, V | undefined> {
    return new Map(this.live(key, now)?.creations);
  }

  /** A snapshot of the deletions not yet seen (object keys); empty once expired. */
  pendingDeletions(key: string, now = Date.now()): Set<string> {
    return new Set(this.live(key, now)?.deletions);
  }

  forget(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    for (const k of p.creations.keys()) this.waiters.delete(k);
    for (const k of p.deletions) this.waiters.delete(k);
    this.pending.delete(key);
  }

  /** The key's expectations unless fulfilled or expired (which forgets them). */
  private live(key: string, now: number): Pending<V> | undefined {
    const p = this.pending.get(key);
    if (!p) return undefined;
    if ((p.creations.size === 0 && p.deletions.size === 0) || now - p.since > TTL_MS) {
      this.forget(key);
      return undefined;
    }
    return p;
  }

  /** Each new expectation restarts the clock, as client-go's SetExpectations does. */
  private entry(key: string, now: number): Pending<V> {
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { creations: new Map(), deletions: new Set(), since: now }));
    p.since = now;
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
export function expectationsFor<V = never>(cache: WeakMap<Informer, Expectations<V>>, informer: Informer): Expectations<V> {
  let e = cache.get(informer);
  if (!e) cache.set(informer, (e = new Expectations<V>(informer)));
  return e;
}
