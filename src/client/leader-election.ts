// Leader election on a coordination.k8s.io/v1 Lease, as client-go's: acquire when the lease is
// free or expired, renew well within the lease duration, and step down (stop leading) as soon as a
// renewal fails past the deadline. Optimistic concurrency on the Lease makes it safe.
import { hostname } from 'node:os';
import { isConflict } from '../api/errors.js';
import { ignoreNotFound } from '../client/api-errors.js';
import { type KubeObject } from '../api/object.js';
import type { RestClient } from './rest-client.js';
import { collectionPath, objectPath, R } from './resources.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

function microTime(d = new Date()): string {
  return d.toISOString().replace('Z', '000Z');
}

export class LeaderElector {
  private timer?: NodeJS.Timeout;
  private leading = false;
  private lastRenew = 0;
  private stopped = false;

  constructor(
    private readonly client: RestClient,
    private readonly o: LeaderElectionOptions,
    private readonly callbacks: { onStartedLeading(): void; onStoppedLeading(): void },
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops campaigning; a leader releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.leading) {
      this.leading = false;
      await this.write(lease => ({ ...lease, holderIdentity: undefined, leaseDurationSeconds: 1 })).catch(() => undefined);
      this.callbacks.onStoppedLeading();
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const ok = await this.tryAcquireOrRenew();
      if (ok) {
        this.lastRenew = Date.now();
        if (!this.leading) {
          this.leading = true;
          this.callbacks.onStartedLeading();
        }
      } else if (this.leading) {
        this.loseLeadership();
      }
    } catch {
      if (this.leading && Date.now() - this.lastRenew > (this.o.renewDeadlineMs ?? 10_000)) this.loseLeadership();
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.o.retryPeriodMs ?? 2000);
  }

  private loseLeadership(): void {
    this.leading = false;
    this.callbacks.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const path = objectPath(R.leases, this.o.namespace, this.o.name);
    const lease = await ignoreNotFound(this.client.get<KubeObject>(path));
    const now = new Date();
    if (!lease) {
      try {
        await this.client.create(collectionPath(R.leases, this.o.namespace), {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
          metadata: { name: this.o.name, namespace: this.o.namespace },
          spec: { holderIdentity: this.o.identity, leaseDurationSeconds: this.o.leaseDurationSeconds ?? 15, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expired = !spec.holderIdentity || renewed + (spec.leaseDurationSeconds ?? 15) * 1000 < now.getTime();
    if (spec.holderIdentity !== this.o.identity && !expired) return false;
    const next: LeaseSpec = {
      ...spec,
      holderIdentity: this.o.identity,
      leaseDurationSeconds: this.o.leaseDurationSeconds ?? 15,
      renewTime: microTime(now),
    };
    if (spec.holderIdentity !== this.o.identity) {
      next.acquireTime = microTime(now);
      next.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    try {
      await this.client.update(path, { ...lease, spec: next });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private async write(change: (l: LeaseSpec) => LeaseSpec): Promise<void> {
    const path = objectPath(R.leases, this.o.namespace, this.o.name);
    const lease = await this.client.get(path);
    if ((lease.spec as LeaseSpec | undefined)?.holderIdentity !== this.o.identity) return;
    await this.client.update(path, { ...lease, spec: change(lease.spec as LeaseSpec) });
  }
}

export interface Runnable { start(): void; stop(): void }

/** Runs `r` while this process holds the named Lease in kube-system (or at once without election). */
export function leaderElected(client: RestClient, leaseName: string, elect: boolean, leaseSeconds: number, r: Runnable, namespace = 'kube-system'): { stop(): Promise<void> } {
  if (!elect) {
    r.start();
    return { stop: async () => r.stop() };
  }
  const elector = new LeaderElector(client, {
    namespace, name: leaseName, identity: `${hostname()}_${process.pid}`,
    leaseDurationSeconds: leaseSeconds, renewDeadlineMs: Math.floor(leaseSeconds * 1000 * 2 / 3), retryPeriodMs: Math.max(500, Math.floor(leaseSeconds * 1000 / 7)),
  }, { onStartedLeading: () => r.start(), onStoppedLeading: () => r.stop() });
  elector.start();
  return { stop: () => elector.stop() };
}
