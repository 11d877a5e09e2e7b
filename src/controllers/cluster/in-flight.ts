// Writes a controller has made but its informer has not shown yet. A level-triggered reconcile that
// runs before the cache catches up would otherwise create the same pods twice; counting in-flight
// creations as present closes that window. Entries expire, so a lost watch event cannot wedge a key.
const DEFAULT_TTL_MS = 60_000;

interface Entry<V> { value: V; at: number }

export class InFlight<V = true> {
  private readonly byOwner = new Map<string, Map<string, Entry<V>>>();

  constructor(private readonly ttlMs = DEFAULT_TTL_MS) {}

  add(owner: string, name: string, value: V, now = Date.now()): void {
    let m = this.byOwner.get(owner);
    if (!m) this.byOwner.set(owner, (m = new Map()));
    m.set(name, { value, at: now });
  }

  /** Entries not yet observed: drops the ones `observed` confirms and the expired ones. */
  pending(owner: string, observed: (name: string) => boolean, now = Date.now()): Map<string, V> {
    const m = this.byOwner.get(owner);
    const out = new Map<string, V>();
    if (!m) return out;
    for (const [name, e] of m) {
      if (observed(name) || now - e.at > this.ttlMs) m.delete(name);
      else out.set(name, e.value);
    }
    if (!m.size) this.byOwner.delete(owner);
    return out;
  }

  forget(owner: string): void {
    this.byOwner.delete(owner);
  }
}
