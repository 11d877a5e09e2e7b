// An in-memory stand-in for the API server, for integration tests of the workload controllers: it
// answers the RestClient calls they make (CRUD, /status, graceful pod deletion, uid
// preconditions, optimistic concurrency, generateName, generation, watches) so the real Informer
// and ControllerManager run against it without processes.
import { randomUUID } from 'node:crypto';
import { StatusError } from '../../../api/errors.js';
import type { KubeList, KubeObject, WatchEvent } from '../../../api/object.js';
import type { RestClient, WatchHandle } from '../../../client/rest-client.js';
import { SAFE_ALPHABET, canonicalJson } from '../template-hash.js';

interface Target { collection: string; namespace?: string; name?: string; subresource?: string }

const PATH = /^\/(api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

function parse(path: string): Target {
  const m = PATH.exec(path);
  if (!m) throw new StatusError(404, 'NotFound', `no route ${path}`);
  return { collection: `${m[1]}/${m[3]}`, namespace: m[2], name: m[4] && decodeURIComponent(m[4]), subresource: m[5] };
}

type Listener = (e: WatchEvent<KubeObject>) => void;

export class FakeApi {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Every write, in order, for assertions about what happened when. */
  readonly log: { verb: string; collection: string; obj: KubeObject }[] = [];
  /** Called after every write, to check invariants on every intermediate state. */
  onWrite?: () => void;

  get client(): RestClient {
    return this as unknown as RestClient;
  }

  all(collection: string): KubeObject[] {
    return [...(this.objects.get(collection)?.values() ?? [])];
  }

  async get<T = KubeObject>(path: string): Promise<T> {
    const t = parse(path);
    const obj = this.table(t.collection).get(this.key(t));
    if (!obj) throw new StatusError(404, 'NotFound', `${t.collection} "${t.name}" not found`);
    return structuredClone(obj) as T;
  }

  async list<T = KubeObject>(path: string): Promise<KubeList<T>> {
    const t = parse(path);
    const items = this.all(t.collection).filter(o => !t.namespace || o.metadata.namespace === t.namespace);
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items: structuredClone(items) as T[] };
  }

  async create<T = KubeObject>(path: string, body: unknown): Promise<T> {
    const t = parse(path);
    if (t.subresource === 'binding') {
      const pod = this.table(t.collection).get(`${t.namespace}/${t.name}`);
      if (!pod) throw new StatusError(404, 'NotFound', 'pod not found');
      (pod.spec as Record<string, unknown>).nodeName = (body as { target: { name: string } }).target.name;
      return this.store('MODIFIED', t.collection, pod) as T;
    }
    const obj = structuredClone(body) as KubeObject;
    obj.metadata.namespace ??= t.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = obj.metadata.generateName + Array.from({ length: 5 }, () => SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)]).join('');
    }
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (this.table(t.collection).has(key)) throw new StatusError(409, 'AlreadyExists', `"${obj.metadata.name}" already exists`);
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    obj.metadata.generation = 1;
    if (t.collection === 'api/v1/pods') obj.status = { phase: 'Pending' };
    return this.store('ADDED', t.collection, obj) as T;
  }

  async update<T = KubeObject>(path: string, body: unknown): Promise<T> {
    const t = parse(path);
    const old = await this.get<KubeObject>(path.replace(/\/status$/, ''));
    const obj = structuredClone(body) as KubeObject;
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw new StatusError(409, 'Conflict', `the object has been modified; please apply your changes to the latest version and try again`);
    }
    let next: KubeObject;
    if (t.subresource === 'status') {
      next = { ...old, status: obj.status };
    } else {
      next = { ...obj, status: old.status, metadata: { ...obj.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, deletionTimestamp: old.metadata.deletionTimestamp, generation: old.metadata.generation } };
      if (canonicalJson({ ...old, metadata: 0, status: 0 }) !== canonicalJson({ ...next, metadata: 0, status: 0 })) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    return this.store('MODIFIED', t.collection, next) as T;
  }

  /** Merge patches, and the strategic ownerReferences patches of adoption and release. */
  async patch<T = KubeObject>(path: string, body: Record<string, any>): Promise<T> {
    const old = await this.get<KubeObject>(path);
    if (body.metadata?.uid && body.metadata.uid !== old.metadata.uid) throw new StatusError(409, 'Conflict', 'uid precondition failed');
    if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== old.metadata.resourceVersion) throw new StatusError(409, 'Conflict', 'modified');
    const refs = body.metadata?.ownerReferences as Record<string, unknown>[] | undefined;
    const { ownerReferences: _, uid: __, resourceVersion: ___, ...meta } = body.metadata ?? {};
    const merged = mergePatch(old, { ...body, metadata: meta }) as KubeObject;
    if (refs) {
      let list = [...(old.metadata.ownerReferences ?? [])];
      for (const r of refs) {
        list = list.filter(o => o.uid !== r.uid);
        if (r.$patch !== 'delete') list.push(r as never);
      }
      merged.metadata.ownerReferences = list;
    }
    return this.update<T>(path, merged);
  }

  async delete(path: string, body?: { gracePeriodSeconds?: number; preconditions?: { uid?: string } }): Promise<void> {
    const t = parse(path);
    const obj = await this.get<KubeObject>(path);
    if (body?.preconditions?.uid && body.preconditions.uid !== obj.metadata.uid) throw new StatusError(409, 'Conflict', 'uid precondition failed');
    const bound = t.collection === 'api/v1/pods' && (obj.spec as { nodeName?: string } | undefined)?.nodeName;
    if (bound && body?.gracePeriodSeconds !== 0) {
      if (!obj.metadata.deletionTimestamp) {
        obj.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        this.store('MODIFIED', t.collection, obj);
      }
      return;
    }
    this.table(t.collection).delete(this.key(t));
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    this.log.push({ verb: 'DELETED', collection: t.collection, obj });
    this.onWrite?.();
    setImmediate(() => this.emit(t.collection, { type: 'DELETED', object: obj }));
  }

  watch<T = KubeObject>(path: string, _query: unknown, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    const t = parse(path);
    let set = this.listeners.get(t.collection);
    if (!set) this.listeners.set(t.collection, (set = new Set()));
    const listener = onEvent as unknown as Listener;
    set.add(listener);
    let stop!: () => void;
    const done = new Promise<void>(resolve => { stop = resolve; });
    return { done, stop: () => { set!.delete(listener); stop(); } };
  }

  private table(collection: string): Map<string, KubeObject> {
    let t = this.objects.get(collection);
    if (!t) this.objects.set(collection, (t = new Map()));
    return t;
  }

  private key(t: Target): string {
    return `${t.namespace ?? ''}/${t.name}`;
  }

  private store(type: 'ADDED' | 'MODIFIED', collection: string, obj: KubeObject): KubeObject {
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(collection).set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
    this.log.push({ verb: type, collection, obj: structuredClone(obj) });
    this.onWrite?.();
    const copy = structuredClone(obj);
    // Deliver asynchronously, as a real watch stream would.
    setImmediate(() => this.emit(collection, { type, object: copy }));
    return structuredClone(obj);
  }

  private emit(collection: string, e: WatchEvent<KubeObject>): void {
    for (const l of this.listeners.get(collection) ?? []) l(structuredClone(e));
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]; else out[k] = mergePatch(out[k], v);
  }
  return out;
}
