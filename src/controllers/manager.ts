// Runs controllers: one shared informer per watched resource, one work queue and a few workers per
// controller, and events from any watched resource mapped to the keys a controller reconciles.
import type { KubeObject } from '../api/object.js';
import { objectKey } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { HandlerRegistrations, SharedInformers } from '../client/shared-informers.js';
import { WorkQueue } from '../client/work-queue.js';
import type { WorkQueueMetrics } from '../client/work-queue-metrics.js';
import { logger, type Logger } from '../util/log.js';
import { ApiEventRecorder } from '../client/event-recorder.js';
import type { Controller, ControllerContext } from './types.js';
import { errorMessage } from '../util/error-message.js';

/** The client a controller writes with (upstream's --use-service-account-credentials); rejects once the manager should stop. */
export type ControllerClients = (controller: string) => Promise<RestClient>;

export class ControllerManager {
  private readonly queues: WorkQueue[] = [];
  private informers?: SharedInformers;
  private readonly registrations = new HandlerRegistrations();
  private readonly log: Logger;
  private stopped = false;
  /** Terms of leadership started: a controller whose credentials arrive after its term ended is not run. */
  private term = 0;

  /**
   * `shared`: informers owned by the caller (the server's, shared with its scheduler); without
   * them each term of leadership starts its own and stops them when it ends. `clients`: each
   * controller's own client for its writes and events; without it every controller uses `client`,
   * which always serves the informers. `queueMetrics`: where each controller's queue records its
   * workqueue_* series (labelled with the controller's name, as upstream's).
   */
  constructor(private readonly client: RestClient, private readonly controllers: Controller[], private readonly component = 'controller-manager',
    private readonly shared?: SharedInformers, private readonly clients?: ControllerClients, private readonly queueMetrics?: WorkQueueMetrics) {
    this.log = logger(component);
  }

  async start(): Promise<void> {
    this.stopped = false;
    const term = ++this.term;
    const informers = this.shared ?? new SharedInformers(this.client);
    this.informers = informers;
    const recorders = new Map<RestClient, Map<string, ApiEventRecorder>>();
    // Each controller starts as soon as its own credentials are ready, not after everyone's.
    await Promise.all(this.controllers.map(async c => {
      let client = this.client;
      if (this.clients) {
        try {
          client = await this.clients(c.name);
        } catch (err) {
          if (this.stopped) return;
          throw err;
        }
      }
      if (this.stopped || term !== this.term) return;
      // Events go out with the controller's own credentials too (one recorder per client and source).
      const source = c.eventSource ?? this.component;
      let byClient = recorders.get(client);
      if (!byClient) recorders.set(client, byClient = new Map());
      let recorder = byClient.get(source);
      if (!recorder) byClient.set(source, recorder = new ApiEventRecorder(client, source));
      this.run(c, client, recorder, informers);
    }));
    if (!this.stopped) await informers.waitForSync();
  }

  private run(c: Controller, client: RestClient, recorder: ApiEventRecorder, informers: SharedInformers): void {
    const queue = new WorkQueue({ metrics: this.queueMetrics?.forQueue(c.name) });
    this.queues.push(queue);
    const ctx: ControllerContext = {
      client,
      informer: r => informers.get(r),
      recorder,
      log: (msg, fields) => this.log(msg, { controller: c.name, ...fields }),
      requeueAfter: (key, ms) => queue.addAfter(key, ms),
    };
    for (const w of c.watches) {
      const mapTo = w.mapTo;
      const keys = mapTo ? (o: KubeObject) => mapTo(o, ctx) : (o: KubeObject) => [objectKey(o)];
      const enqueue = (o: KubeObject) => { for (const k of keys(o)) queue.add(k); };
      this.registrations.add(informers.get(w.resource), { add: enqueue, update: (a, b) => { enqueue(a); enqueue(b); }, delete: enqueue });
    }
    for (let i = 0; i < (c.workers ?? 2); i++) void this.work(c, queue, ctx);
  }

  stop(): void {
    this.stopped = true;
    for (const q of this.queues.splice(0)) q.shutdown();
    this.registrations.removeAll();
    if (this.informers !== this.shared) this.informers?.stop();
  }

  private async work(c: Controller, queue: WorkQueue, ctx: ControllerContext): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await c.reconcile(key, ctx);
        queue.forget(key);
      } catch (err) {
        if (queue.retries(key) < 3 || queue.retries(key) % 10 === 0) {
          ctx.log('reconcile failed', { key, error: errorMessage(err) });
        }
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  }
}
