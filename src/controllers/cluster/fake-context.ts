// Test doubles for controller unit tests: an in-memory informer with indexes and a client that
// records writes and answers them from a script.
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { objectKey } from '../../client/informer.js';
import type { RestClient } from '../../client/rest-client.js';
import { collectionPath, type ResourceRef } from '../../client/resources.js';
import type { ControllerContext } from '../types.js';

export class FakeInformer<T extends KubeObject = KubeObject> {
  readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, (o: T) => string[]>();
  hasSynced = true;

  set(...objs: T[]): this {
    for (const o of objs) this.items.set(objectKey(o), o);
    return this;
  }

  get(key: string): T | undefined { return this.items.get(key); }
  list(): T[] { return [...this.items.values()]; }
  waitForSync(): Promise<void> { return Promise.resolve(); }
  on(): this { return this; }
  addIndex(name: string, fn: (o: T) => string[]): this { this.indexers.set(name, fn); return this; }
  byIndex(name: string, value: string): T[] { return this.list().filter(o => this.indexers.get(name)!(o).includes(value)); }
}

export interface Call { method: string; path: string; body?: unknown }

export function fakeContext(informers: Map<string, FakeInformer>, respond: (c: Call) => unknown = c => c.body) {
  const calls: Call[] = [];
  const requeues: [string, number][] = [];
  const events: string[] = [];
  const record = (method: string) => async (path: string, body?: unknown) => {
    const c = { method, path, body: structuredClone(body) };
    calls.push(c);
    return respond(c);
  };
  const client = { create: record('POST'), update: record('PUT'), patch: record('PATCH'), delete: record('DELETE'), get: record('GET') } as unknown as RestClient;
  const ctx: ControllerContext = {
    client,
    informer: <T extends KubeObject>(r: ResourceRef) => {
      const path = collectionPath(r);
      if (!informers.has(path)) informers.set(path, new FakeInformer());
      return informers.get(path) as unknown as Informer<T>;
    },
    recorder: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
    log: () => undefined,
    requeueAfter: (key, ms) => requeues.push([key, ms]),
  };
  return { ctx, calls, requeues, events };
}
