// Runs controllers: one shared informer per watched resource, one work queue and a few workers per
// controller, and events from any watched resource mapped to the keys a controller reconciles.
import type { KubeObject } from '../api/object.js';
import { Informer, objectKey, stripManagedFields } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, type ResourceRef } from '../client/resources.js';
import { WorkQueue } from '../client/work-queue.js';
import { logger, type Logger } from '../util/log.js';
import { ApiEventRecorder } from './event-recorder.js';
import type { Controller, ControllerContext } from './types.js';

export class SharedInformers {
  private readonly informers = new Map<string, Informer>();

  constructor(private readonly client: RestClient) {}

  get<T extends KubeObject = KubeObject>(r: ResourceRef): Informer<T> {
    const path = collectionPath(r);
    let inf = this.informers.get(path);
    if (!inf) {
      inf = new Informer(this.client, path, { transform: stripManagedFields });
      this.informers.set(path, inf);
      inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map(i => i.waitForSync()));
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
  }
}

export class ControllerManager {
  private readonly queues: WorkQueue[] = [];
  private informers?: SharedInformers;
  private readonly log: Logger;

  constructor(private readonly client: RestClient, private readonly controllers: Controller[], private readonly component = 'controller-manager') {
    this.log = logger(component);
  }

  async start(): Promise<void> {
    const informers = new SharedInformers(this.client);
    this.informers = informers;
    const recorder = new ApiEventRecorder(this.client, this.component);
    for (const c of this.controllers) {
      const queue = new WorkQueue();
      this.queues.push(queue);
      const ctx: ControllerContext = {
        client: this.client,
        informer: r => informers.get(r),
        recorder,
        log: (msg, fields) => this.log(msg, { controller: c.name, ...fields }),
        requeueAfter: (key, ms) => queue.addAfter(key, ms),
      };
      for (const w of c.watches) {
        const keys = w.mapTo ?? ((o: KubeObject) => [objectKey(o)]);
        const enqueue = (o: KubeObject) => { for (const k of keys(o)) queue.add(k); };
        informers.get(w.resource).on({ add: enqueue, update: (a, b) => { enqueue(a); enqueue(b); }, delete: enqueue });
      }
      for (let i = 0; i < (c.workers ?? 2); i++) void this.work(c, queue, ctx);
    }
    await informers.waitForSync();
  }

  stop(): void {
    for (const q of this.queues.splice(0)) q.shutdown();
    this.informers?.stop();
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
          ctx.log('reconcile failed', { key, error: err instanceof Error ? err.message : String(err) });
        }
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  }
}
