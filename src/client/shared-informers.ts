// One informer per resource for every loop in a process (client-go's SharedInformerFactory): the
// controllers and the scheduler of `k8ts server` read the same caches, so each object is received,
// parsed and kept once rather than once per component.
import type { KubeObject } from '../api/object.js';
import { Informer, stripManagedFields, type InformerHandlers } from './informer.js';
import type { RestClient } from './rest-client.js';
import { collectionPath, type ResourceRef } from './resources.js';

export class SharedInformers {
  private readonly informers = new Map<string, Informer>();

  constructor(private readonly client: RestClient) {}

  /** The resource's informer (all namespaces, managedFields stripped), started on first use. */
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

/**
 * Handlers one component registered on shared informers, removed together when it stops (a new
 * term of leadership registers afresh, so a deposed component's handlers must not linger).
 */
export class HandlerRegistrations {
  private readonly registered: [Informer, InformerHandlers<KubeObject>][] = [];

  add<T extends KubeObject>(informer: Informer<T>, handlers: InformerHandlers<T>): void {
    informer.on(handlers);
    this.registered.push([informer as unknown as Informer, handlers as unknown as InformerHandlers<KubeObject>]);
  }

  removeAll(): void {
    for (const [informer, handlers] of this.registered.splice(0)) informer.off(handlers);
  }
}
