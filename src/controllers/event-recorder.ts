// Records core/v1 Events about objects, aggregating repeats as upstream does: the same
// (object, reason, message, type, source) bumps count and lastTimestamp on one Event.
import { createHash } from 'node:crypto';
import { StatusError } from '../api/errors.js';
import { nowTimestamp, type KubeObject } from '../api/object.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

interface Seen { name: string; count: number; first: string }

export class ApiEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly client: RestClient, private readonly component: string, private readonly host?: string) {}

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    void this.record(obj, type, reason, message).catch(() => undefined);
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
