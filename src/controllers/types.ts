// The shape of a controller: what it watches, how watched objects map to the keys it reconciles,
// and a level-triggered reconcile that computes desired vs actual from the caches each time.
import type { KubeObject } from '../api/object.js';
import type { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import type { ResourceRef } from '../client/resources.js';
import type { EventRecorder } from '../client/event-recorder.js';

export interface WatchSpec {
  resource: ResourceRef;
  /**
   * Keys to reconcile when an object of this resource changes; default: the object's own key. It
   * gets the context, so it can read the caches and name the owners to reconcile directly.
   */
  mapTo?: (obj: KubeObject, ctx: ControllerContext) => string[];
}

export interface ControllerContext {
  client: RestClient;
  /** The shared informer of a resource (all namespaces). */
  informer<T extends KubeObject = KubeObject>(r: ResourceRef): Informer<T>;
  recorder: EventRecorder;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  /** Schedules another reconcile of `key` after `delayMs`. */
  requeueAfter(key: string, delayMs: number): void;
}

export interface Controller {
  name: string;
  watches: WatchSpec[];
  workers?: number;
  /** The component its events name as their source (upstream's per-controller recorders); default: the manager's. */
  eventSource?: string;
  /** Level-triggered: must be safe to call any number of times for any key. */
  reconcile(key: string, ctx: ControllerContext): Promise<void>;
}

/** Maps an object to the key of its controlling owner of the given kind. */
export function ownerKey(kind: string): (obj: KubeObject) => string[] {
  return obj => {
    const owner = obj.metadata.ownerReferences?.find(o => o.controller && o.kind === kind);
    return owner ? [obj.metadata.namespace ? `${obj.metadata.namespace}/${owner.name}` : owner.name] : [];
  };
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
