// Leases for keys that expire (Events, under kube-apiserver's --event-ttl), handed out as upstream's
// etcd3 lease manager does: one lease serves every write for a while, so a busy cluster does not
// grant a lease per Event. A lease is reused while it still outlives the new write's TTL and expires
// no later than TTL plus a reuse window after it (5 % of the TTL, at most 60 s), for at most 1000
// keys; a new one is granted with that window added to its TTL.
//
// Lease IDs are chosen here, below 2^53, so that they survive JavaScript numbers (etcd's own are
// random 64-bit values); etcd refuses an ID already in use, and another is drawn.
import { randomInt } from 'node:crypto';
import { EtcdError, type EtcdClient } from './client.js';

const REUSE_PERCENT = 0.05;
const MAX_REUSE_SECONDS = 60;
const MAX_KEYS_PER_LEASE = 1000;

export class LeaseManager {
  private current?: { id: number; expiresMs: number; keys: number };
  private granting?: Promise<number>;

  constructor(private readonly client: EtcdClient) {}

  /** A lease that keeps a key written now for at least `ttlSeconds`. */
  async lease(ttlSeconds: number): Promise<number> {
    const reuse = Math.min(Math.floor(ttlSeconds * REUSE_PERCENT), MAX_REUSE_SECONDS);
    const now = Date.now();
    const c = this.current;
    if (c && c.expiresMs > now + ttlSeconds * 1000 && c.expiresMs < now + (ttlSeconds + reuse) * 1000 && c.keys < MAX_KEYS_PER_LEASE) {
      c.keys++;
      return c.id;
    }
    // Writes arriving together share one grant.
    this.granting ??= this.grant(ttlSeconds + reuse).finally(() => { this.granting = undefined; });
    return this.granting;
  }

  private async grant(ttlSeconds: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const id = randomInt(1, 2 ** 48);
      const startedMs = Date.now();
      try {
        await this.client.leaseGrant(ttlSeconds, id);
      } catch (err) {
        if (attempt < 3 && err instanceof EtcdError && err.details.includes('lease already exists')) continue;
        throw err;
      }
      this.current = { id, expiresMs: startedMs + ttlSeconds * 1000, keys: 1 };
      return id;
    }
  }
}
