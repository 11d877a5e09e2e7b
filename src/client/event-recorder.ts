// Records core/v1 Events about objects. What each report becomes (a new Event, a higher count on
// an earlier one, a combined event, or nothing when a source floods one object) is the
// EventCorrelator's call, as in upstream's event broadcaster. Posting is bounded: beyond a
// backlog, events are dropped (as upstream's broadcaster drops when its queue is full), so a busy
// component never waits behind its own bookkeeping. A write the server never answered (no
// connection, reset, timeout) is tried again, up to 12 times ten seconds apart, as upstream's
// recordToSink does; one the server answered with an error is dropped, as upstream's is.
import { isNotFound, StatusError } from '../api/errors.js';
import { nowTimestamp as timestamp, type KubeObject } from '../api/object.js';
import type { RestClient } from './rest-client.js';
import { collectionPath, objectPath, R } from './resources.js';
import { Limiter } from '../util/limiter.js';
import { EventCorrelator, type CorrelatedEvent } from './event-correlator.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** `annotations` go on the Event and replace the earlier ones when it repeats. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, annotations?: Record<string, string>): void;
}

export interface RecorderOptions {
  host?: string;
  maxInFlight?: number;
  maxBacklog?: number;
  /** Between tries of a write the server did not answer (upstream: 10 s; the first wait is a random part of it). */
  retryDelayMs?: number;
}

/** Tries per Event write, as upstream's maxTriesPerEvent. */
const MAX_TRIES = 12;

export class ApiEventRecorder implements EventRecorder {
  /** Events dropped because the backlog was full. */
  dropped = 0;
  private backlog = 0;
  private readonly correlator: EventCorrelator;
  private readonly limiter: Limiter;
  private readonly host?: string;
  private readonly maxBacklog: number;
  private readonly retryDelayMs: number;
  /** The last write queued per Event name. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly client: RestClient, private readonly component: string, opts: RecorderOptions = {}) {
    this.host = opts.host;
    this.maxBacklog = opts.maxBacklog ?? 1000;
    this.retryDelayMs = opts.retryDelayMs ?? 10_000;
    this.limiter = new Limiter(opts.maxInFlight ?? 16);
    // Upstream names an Event after its object and the time; the random tail keeps two names
    // made in one millisecond (no nanoseconds here) apart.
    this.correlator = new EventCorrelator((e, now) =>
      `${e.involvedObject.name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16).padStart(3, '0')}`);
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string, annotations?: Record<string, string>): void {
    // Correlated when reported, so counts follow the order things happened in.
    const correlation = this.correlator.correlate({
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      involvedObject: { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion },
      type, reason, message, ...(annotations ? { annotations } : {}),
    });
    if (correlation.skip) return;
    if (this.backlog >= this.maxBacklog) {
      this.dropped++;
      return;
    }
    this.backlog++;
    const e = correlation.event;
    // Writes to one Event go in order (create, then each higher count); different Events in parallel.
    const write = (this.writing.get(e.name) ?? Promise.resolve())
      .then(() => this.writeWithRetries(e))
      .catch(() => undefined)
      .finally(() => {
        this.backlog--;
        if (this.writing.get(e.name) === write) this.writing.delete(e.name);
      });
    this.writing.set(e.name, write);
  }

  private async writeWithRetries(e: CorrelatedEvent): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.limiter.run(() => this.write(e));
      } catch (err) {
        if (err instanceof StatusError || tries >= MAX_TRIES) throw err;
        // The first wait is random so that many components cut off together do not come back together.
        const delay = tries === 1 ? Math.random() * this.retryDelayMs : this.retryDelayMs;
        await new Promise(resolve => setTimeout(resolve, delay).unref());
      }
    }
  }

  /**
   * A first occurrence creates the Event, a repeat updates it; a repeat of an Event removed
   * meanwhile (404, e.g. by its TTL) creates it again with the count so far, as upstream does.
   */
  private async write(e: CorrelatedEvent): Promise<void> {
    const namespace = e.involvedObject.namespace || 'default';
    const update = () => this.client.patch(objectPath(R.events, namespace, e.name),
      { count: e.count, lastTimestamp: timestamp(e.lastTimestamp), message: e.message, ...(e.annotations ? { metadata: { annotations: e.annotations } } : {}) }, 'merge');
    const create = () => this.client.create(collectionPath(R.events, namespace), {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: e.name, namespace, ...(e.annotations ? { annotations: e.annotations } : {}) },
      involvedObject: e.involvedObject,
      reason: e.reason, message: e.message, type: e.type, source: e.source,
      firstTimestamp: timestamp(e.firstTimestamp), lastTimestamp: timestamp(e.lastTimestamp), count: e.count,
      reportingComponent: this.component, reportingInstance: this.host ?? '',
    });
    if (e.count === 1) {
      await create();
      return;
    }
    try {
      await update();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await create();
    }
  }
}
