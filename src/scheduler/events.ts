// Scheduler events (Scheduled, FailedScheduling, Preempted) posted with bounded concurrency. Under
// load, events beyond the backlog limit are dropped, as upstream's broadcaster drops when its queue
// is full: binding must never wait behind bookkeeping. Repeats of the same event on the same object
// bump its count, as upstream's correlator does.
import { StatusError } from '../api/errors.js';
import { nowTimestamp, type KubeObject } from '../api/object.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { Limiter } from '../simnodes/limiter.js';

interface Seen { name: string; count: number }

export class EventSink {
  dropped = 0;
  private backlog = 0;
  private readonly seen = new Map<string, Seen>();
  private readonly limiter: Limiter;

  constructor(private readonly client: RestClient, private readonly component = 'default-scheduler', maxInFlight = 16, private readonly maxBacklog = 1000) {
    this.limiter = new Limiter(maxInFlight);
  }

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.backlog >= this.maxBacklog) {
      this.dropped++;
      return;
    }
    this.backlog++;
    void this.limiter.run(() => this.post(obj, type, reason, message)).catch(() => undefined).finally(() => this.backlog--);
  }

  private async post(obj: KubeObject, type: string, reason: string, message: string): Promise<void> {
    const ns = obj.metadata.namespace || 'default';
    const id = `${obj.metadata.uid}\0${reason}\0${message}`;
    const now = nowTimestamp();
    const prior = this.seen.get(id);
    if (prior) {
      prior.count++;
      try {
        await this.client.patch(objectPath(R.events, ns, prior.name), { count: prior.count, lastTimestamp: now }, 'merge');
        return;
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    const name = `${obj.metadata.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
    if (this.seen.size > 10_000) this.seen.clear();
    // Only failures repeat; remembering every success would just grow the map.
    if (type === 'Warning') this.seen.set(id, { name, count: 1 });
    await this.client.create(collectionPath(R.events, ns), {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: { kind: obj.kind ?? 'Pod', namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion ?? 'v1', resourceVersion: obj.metadata.resourceVersion },
      reason, message, type, source: { component: this.component },
      firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: this.component, reportingInstance: this.component,
    });
  }
}
