// Records core/v1 Events about objects, aggregating repeats as upstream does: the same
// (object, reason, message, type, source) bumps count and lastTimestamp on one Event. Posting is
// bounded: beyond a backlog, events are dropped (as upstream's broadcaster drops when its queue is
// full), so a busy component never waits behind its own bookkeeping.
import { createHash } from 'node:crypto';
import { StatusError } from '../api/errors.js';
import { nowTimestamp, type KubeObject } from '../api/object.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { Limiter } from '../util/limiter.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

interface Seen { name: string; count: number; first: string }

export interface RecorderOptions {
  host?: string;
  maxInFlight?: number;
  maxBacklog?: number;
}

export class ApiEventRecorder implements EventRecorder {
  /** Events dropped because the backlog was full. */
  dropped = 0;
  private backlog = 0;
  private readonly seen = new Map<string, Seen>();
  private readonly limiter: Limiter;
  private readonly host?: string;
  private readonly maxBacklog: number;

  constructor(private readonly client: RestClient, private readonly component: string, opts: RecorderOptions = {}) {
    this.host = opts.host;
    this.maxBacklog = opts.maxBacklog ?? 1000;
    this.limiter = new Limiter(opts.maxInFlight ?? 16);
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (this.backlog >= this.maxBacklog) {
      this.dropped++;
      return;
    }
    this.backlog++;
    void this.limiter.run(() => this.record(obj, type, reason, message)).catch(() => undefined).finally(() => this.backlog--);
  }

  private async record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const id = createHash('sha1').update([obj.kind, namespace, obj.metadata.name, obj.metadata.uid, reason, message, type].join('\x00')).digest('hex');
    const now = nowTimestamp();
    const prior = this.seen.get(id);
    if (prior) {
      prior.count++;
      try {
        await this.client.patch(objectPath(R.events, namespace, prior.name), { count: prior.count, lastTimestamp: now }, 'merge');
        return;
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    const name = `${obj.metadata.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
    const seen: Seen = { name, count: 1, first: now };
    if (this.seen.size > 4096) this.seen.clear();
    this.seen.set(id, seen);
    await this.client.create(collectionPath(R.events, namespace), {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion },
      reason, message, type,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: this.component, reportingInstance: this.host ?? '',
    });
  }
}
