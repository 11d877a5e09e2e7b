// The one REST store behind every resource: create, get, list, watch, update, patch, delete and
// deletecollection with upstream's metadata semantics. Per-resource behaviour comes from a
// ResourceStrategy; reads are served from the resource's WatchCache.
import { randomUUID } from 'node:crypto';
import type { ResourceInfo } from '../../api/catalog.js';
import type { VersionCodec } from '../../api/conversion/index.js';
import {
  AlreadyExistsError, BadRequestError, ConflictError, GoneError, InvalidError, NotFoundError, StatusError,
  type FieldError,
} from '../../api/errors.js';
import { apiVersionOf, nowTimestamp, type DeleteOptions, type KubeObject } from '../../api/object.js';
import { validateCreate, validateUpdate } from '../../api/validation/index.js';
import {
  CompactedError, CompareFailedError, KeyExistsError, KeyNotFoundError, prefixEnd,
  type KeyValue, type Store, type StoreEvent, type StoreWatcher,
} from '../../storage/types.js';
import type { AdmissionChain, AdmissionOperation } from '../admission/types.js';
import type { RequestContext } from '../context.js';
import { defaultFieldManager, updateManagedFields } from '../patch/index.js';
import { clone } from '../patch/json.js';
import { FieldSelector, metadataFields, type FieldGetter } from '../../api/selectors/field-selector.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { namespacePrefix, objectKey, resourcePrefix } from './keys.js';
import { StoredText } from './object-json.js';
import { shareEmptyFieldLeaves } from './shared-empty-fields.js';
import type { StoreConversion } from './store-conversion.js';
import type { ResourceStrategy } from './strategy.js';
import { keepAllButStatus } from './strategy.js';
import { WatchCache, type CacheEvent, type CachedObject } from './watch-cache.js';

export interface ListOptions {
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: CachedObject[];
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

export interface UpdateOptions {
  subresource?: string;
  /** Server-side apply has already recorded field ownership; no Update entry is added. */
  applied?: boolean;
  /** The caller hands the object over (a freshly decoded body): it is changed in place, not copied. */
  owned?: boolean;
}

/** How a write was asked for, as the history records it. */
export type WriteOperation = 'create' | 'update' | 'patch' | 'apply' | 'delete';

/** Told of every successful (not dry-run) write, after the store acknowledged it. */
export type WriteObserver = (write: {
  info: ResourceInfo; ctx: RequestContext; operation: WriteOperation; subresource: string;
  /** The object as stored (for a delete, as it was last). */
  object: KubeObject;
}) => void;

export interface DeleteResult {
  object: KubeObject;
  /** False when the object is only marked for deletion (finalizers, graceful deletion). */
  deleted: boolean;
}

/** What a patch handler computes from the live object; may throw StatusErrors. */
export type PatchFunction = (live: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

const MAX_UPDATE_RETRIES = 16;
const ALL = (): boolean => true;
const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';
const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export class GenericStore {
  readonly cache: WatchCache;
  readonly fields: Record<string, FieldGetter>;
  private readonly apiVersion: string;
  /** Objects being written, by key, with their stored text (see write). */
  private readonly writing = new Map<string, { object: KubeObject; stored: StoredText }>();
  /** The history's hook (see Registry.observeWrites). */
  observer?: WriteObserver;
  private readonly ownsCache: boolean;

  constructor(
    readonly info: ResourceInfo,
    private readonly store: Store,
    readonly strategy: ResourceStrategy,
    private readonly admission: AdmissionChain,
    private readonly codec?: VersionCodec,
    /** Set when reads and writes are converted asynchronously (see store-conversion.ts). */
    readonly conversion?: StoreConversion,
    /**
     * Another version's watch cache of the same objects, which this store reads through
     * `conversion` rather than keep its own copy (a CRD's versions share its storage version's).
     */
    sharedCache?: WatchCache,
  ) {
    this.apiVersion = apiVersionOf(info.group, info.version);
    this.fields = { ...metadataFields, ...strategy.fieldSelectors };
    this.ownsCache = !sharedCache;
    this.cache = sharedCache ?? new WatchCache(store, resourcePrefix(info), kv => this.decodeForCache(kv));
  }

  /** Loads the watch cache (a shared one is its owner's to load). */
  async start(): Promise<void> {
    if (this.ownsCache) await this.cache.start();
  }

  get qualifiedTarget() {
    return { group: this.info.group, resource: this.info.resource };
  }

  private target(name: string) {
    return { ...this.qualifiedTarget, name };
  }

  private decode(kv: Pick<KeyValue, 'value' | 'modRevision'>): KubeObject {
    const stored = JSON.parse(kv.value) as KubeObject;
    const obj = this.codec ? this.codec.fromStorage(stored) : stored;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  /**
   * The watch cache's decoding: an object this store is writing is taken as it is (see write).
   * Only the cache's long-lived objects share managedFields' empty leaves.
   */
  private decodeForCache(kv: Pick<KeyValue, 'key' | 'value' | 'modRevision'>): KubeObject {
    const written = this.writing.get(kv.key);
    if (written?.stored.text !== kv.value) return shareEmptyFieldLeaves(this.decode(kv));
    // As parsed: resourceVersion comes last in metadata (the stored text has none). Its JSON, for
    // the response and watch events, is the stored text with the revision.
    const obj = written.object;
    const { resourceVersion: _, ...meta } = obj.metadata;
    obj.metadata = { ...meta, resourceVersion: String(kv.modRevision) };
    written.stored.rememberAs(obj, kv.modRevision);
    return shareEmptyFieldLeaves(obj);
  }

  private encode(obj: KubeObject): string {
    const stored = this.codec ? this.codec.toStorage(obj) : obj;
    return JSON.stringify({ ...stored, metadata: { ...stored.metadata, resourceVersion: undefined } });
  }

  key(namespace: string, name: string): string {
    return objectKey(this.info, namespace, name);
  }

  // ---- reads ----

  get(namespace: string, name: string): KubeObject {
    const found = this.cache.get(this.key(namespace, name));
    if (!found) throw new NotFoundError(this.target(name));
    return found.object;
  }

  /** An object as a client reads it: get, converted when this store converts asynchronously. */
  async read(namespace: string, name: string): Promise<KubeObject> {
    return this.presentOne(this.get(namespace, name));
  }

  /** Cached or stored objects at this store's version (see read). */
  async present(items: CachedObject[]): Promise<CachedObject[]> {
    if (!this.conversion || !items.length) return items;
    const converted = await this.conversion.toVersionList(items.map(i => i.object));
    return items.map((item, i) => ({ key: item.key, object: converted[i], revision: item.revision }));
  }

  private presentOne(obj: KubeObject): Promise<KubeObject> | KubeObject {
    return this.conversion ? this.conversion.toVersion(obj) : obj;
  }

  getCached(namespace: string, name: string): CachedObject | undefined {
    return this.cache.get(this.key(namespace, name));
  }

  matcher(opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): (o: KubeObject) => boolean {
    opts.fieldSelector.check(this.fields);
    const { labelSelector: ls, fieldSelector: fs } = opts;
    if (ls.empty && fs.empty) return ALL;
    return o => ls.matches(o.metadata.labels) && fs.matches(o, this.fields);
  }

  async list(namespace: string, opts: ListOptions): Promise<ListResult> {
    if (!this.conversion) return this.listAsStored(namespace, opts, this.matcher(opts));
    // Selectors apply to the converted objects: a page is read whole, converted, then filtered
    // (so a filtered page may hold fewer items than the limit, as upstream allows).
    const match = this.matcher(opts);
    const page = await this.listAsStored(namespace, opts, ALL);
    const items = (await this.present(page.items)).filter(i => match(i.object));
    return { ...page, items, remainingItemCount: match === ALL ? page.remainingItemCount : undefined };
  }

  private async listAsStored(namespace: string, opts: ListOptions, match: (o: KubeObject) => boolean): Promise<ListResult> {
    const prefix = namespacePrefix(this.info, namespace);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const filtered = !opts.labelSelector.empty || !opts.fieldSelector.empty;

    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      return this.listFromStore(prefix, token.start, token.rv, limit, match, filtered);
    }
    if (opts.resourceVersion && opts.resourceVersionMatch === 'Exact') {
      const rv = parseRevision(opts.resourceVersion);
      return this.listFromStore(prefix, prefix, rv, limit, match, filtered);
    }
    const revision = this.cache.revision;
    const all = this.cache.list(prefix);
    const items: CachedObject[] = [];
    let i = 0;
    for (; i < all.length; i++) {
      if (!match(all[i].object)) continue;
      if (limit && items.length === limit) break;
      items.push(all[i]);
    }
    const result: ListResult = { items, revision };
    if (limit && i < all.length) {
      result.continue = encodeContinue({ rv: revision, start: items[items.length - 1].key + '\x00' });
      if (!filtered) result.remainingItemCount = all.length - i;
    }
    return result;
  }

  /** Paginated reads at a fixed revision go to the store, which keeps history until compaction. */
  private async listFromStore(prefix: string, start: string, rv: number, limit: number, match: (o: KubeObject) => boolean, filtered: boolean): Promise<ListResult> {
    const items: CachedObject[] = [];
    let from = start;
    const end = prefixEnd(prefix);
    try {
      for (;;) {
        const page = await this.store.range(from, end, { revision: rv, limit: limit ? Math.max(limit - items.length, 1) : 0 });
        for (const kv of page.kvs) {
          const object = this.decode(kv);
          if (match(object)) items.push({ key: kv.key, object, revision: kv.modRevision });
        }
        const last = page.kvs[page.kvs.length - 1];
        if (!page.more || !last) return { items, revision: rv };
        from = last.key + '\x00';
        if (limit && items.length >= limit) {
          const rest = await this.store.range(from, end, { revision: rv, countOnly: true });
          const result: ListResult = { items, revision: rv, continue: encodeContinue({ rv, start: from }) };
          if (!filtered) result.remainingItemCount = rest.count;
          return result;
        }
      }
    } catch (err) {
      if (err instanceof CompactedError) {
        throw new GoneError('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw err;
    }
  }

  /**
   * Watches the store's own history from `afterRevision`, for watches that resume from before the
   * cache's event window. Throws GoneError once that revision is compacted.
   */
  watchFromStore(namespace: string, afterRevision: number, onEvents: (events: CacheEvent[]) => void): StoreWatcher {
    try {
      return this.store.watch(namespacePrefix(this.info, namespace), {
        afterRevision,
        onEvents: evs => onEvents(evs.map(e => this.toCacheEvent(e))),
      });
    } catch (err) {
      if (err instanceof CompactedError) throw tooOldResourceVersion(afterRevision, err.compactRevision);
      throw err;
    }
  }

  private toCacheEvent(e: StoreEvent): CacheEvent {
    if (e.type === 'DELETE') {
      const prev = e.prevKv ?? e.kv;
      const object = this.decode({ value: prev.value, modRevision: e.kv.modRevision });
      return { type: 'DELETED', revision: e.kv.modRevision, current: { key: e.kv.key, object, revision: e.kv.modRevision } };
    }
    const current = { key: e.kv.key, object: this.decode(e.kv), revision: e.kv.modRevision };
    const previous = e.prevKv ? { key: e.kv.key, object: this.decode(e.prevKv), revision: e.prevKv.modRevision } : undefined;
    return { type: e.created ? 'ADDED' : 'MODIFIED', revision: e.kv.modRevision, current, previous };
  }

  // ---- writes ----

  async create(ctx: RequestContext, namespace: string, input: KubeObject, opts: UpdateOptions = {}): Promise<KubeObject> {
    const obj = opts.owned ? input : clone(input);
    this.checkKind(obj);
    this.placeInNamespace(obj, namespace);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    // The UID exists before the strategy runs, as upstream fills system fields first: a Job's
    // generated selector is made of it.
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    await this.strategy.prepareForCreate?.(obj, ctx);
    this.strategy.defaults?.(obj, this.info.version);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.strategy.tracksGeneration) meta.generation = 1; else delete meta.generation;

    await this.admit('CREATE', ctx, namespace, meta.name ?? '', '', obj);
    this.check(obj, validateCreate(this.strategy.rules ?? {}, obj, { namespaced: this.info.namespaced }));
    ctx.warnings.push(...(this.strategy.warningsOnCreate?.(obj) ?? []));
    await this.admission.validate(this.attrs('CREATE', ctx, namespace, meta.name!, '', obj));
    const stored = opts.applied ? obj : this.withManagedFields(undefined, obj, ctx, '');
    if (ctx.dryRun) return stored;
    try {
      const key = this.key(namespace, meta.name!);
      const created = await this.write(key, stored, value => this.store.create(key, value));
      this.observe(ctx, opts.applied ? 'apply' : 'create', '', created);
      return created;
    } catch (err) {
      if (err instanceof KeyExistsError) throw new AlreadyExistsError(this.target(meta.name!));
      throw err;
    }
  }

  /** PUT: replaces the object (or its status), optimistic on metadata.resourceVersion. */
  async update(ctx: RequestContext, namespace: string, name: string, input: KubeObject, opts: UpdateOptions = {}): Promise<{ object: KubeObject; created: boolean }> {
    this.checkKind(input);
    if (input.metadata?.name && input.metadata.name !== name) {
      throw new BadRequestError(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    const preconditionRV = input.metadata?.resourceVersion;
    // A uid in the body is a precondition (upstream's defaultUpdatedObjectInfo), checked before
    // anything else: an object that is missing or was re-created fails it.
    const preconditionUID = input.metadata?.uid;
    return this.guaranteedUpdate(ctx, 'update', namespace, name, opts, async live => {
      if (preconditionUID && preconditionUID !== live?.metadata.uid) {
        throw new ConflictError(this.target(name), invalidObject(this.key(namespace, name), `Precondition failed: UID in precondition: ${preconditionUID}, UID in object meta: ${live?.metadata.uid ?? ''}`));
      }
      if (!live) {
        if (this.strategy.allowCreateOnUpdate && !opts.subresource) return clone(input);
        throw new NotFoundError(this.target(name));
      }
      if (preconditionRV && preconditionRV !== live.metadata.resourceVersion) throw this.modifiedConflict(name);
      return clone(input);
    });
  }

  /** PATCH and apply: `compute` produces the desired object from the live one. */
  async patch(ctx: RequestContext, namespace: string, name: string, compute: PatchFunction, opts: UpdateOptions = {}): Promise<{ object: KubeObject; created: boolean }> {
    return this.guaranteedUpdate(ctx, opts.applied ? 'apply' : 'patch', namespace, name, opts, async live => {
      const next = await compute(live ? clone(live) : undefined);
      if (live && next.metadata?.resourceVersion && next.metadata.resourceVersion !== live.metadata.resourceVersion) {
        throw this.modifiedConflict(name);
      }
      return next;
    });
  }

  private async guaranteedUpdate(ctx: RequestContext, operation: WriteOperation, namespace: string, name: string, opts: UpdateOptions, desired: (live: KubeObject | undefined) => Promise<KubeObject>): Promise<{ object: KubeObject; created: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
      const cached = this.cache.get(key);
      const live = cached && this.conversion ? await this.conversion.toVersion(cached.object) : cached?.object;
      const obj = await desired(live);
      if (!cached || !live) {
        obj.metadata = { ...obj.metadata, name };
        try {
          return { object: await this.create(ctx, namespace, obj, { ...opts, owned: true }), created: true };
        } catch (err) {
          // Another writer (another server) created it first: read the key through the store, which
          // waits until this server's cache holds what etcd has, and update what is there instead.
          if (!(err instanceof AlreadyExistsError)) throw err;
          await this.store.get(key);
          continue;
        }
      }
      let next = await this.prepareUpdate(ctx, namespace, name, obj, live, opts);
      if (sameObject(next, live)) {
        // Unchanged, but stored with a key being rotated away from: written again (re-encrypted),
        // as upstream's GuaranteedUpdate writes stale data; the cached object is never written in place.
        if (!cached.stale) return { object: live, created: false };
        if (next === live) next = clone(live);
      }
      if (ctx.dryRun) return { object: next, created: false };
      try {
        if (this.shouldDeleteDuringUpdate(next)) {
          const { revision } = await this.store.delete(key, cached.revision);
          this.strategy.afterDelete?.(next);
          next.metadata.resourceVersion = String(revision);
          this.observe(ctx, 'delete', opts.subresource ?? '', next);
          return { object: next, created: false };
        }
        const updated = await this.write(key, next, value => this.store.update(key, value, cached.revision));
        this.observe(ctx, operation, opts.subresource ?? '', updated);
        return { object: updated, created: false };
      } catch (err) {
        if (err instanceof CompareFailedError) continue;
        if (err instanceof KeyNotFoundError) continue;
        throw err;
      }
    }
    throw new ConflictError(this.target(name), 'too many concurrent updates; please retry');
  }

  /**
   * A subresource's own write, as upstream's subresource REST handlers call the storage's
   * GuaranteedUpdate (pods/binding): `update` makes the new object from the live one, which is
   * stored as it is — no strategy, defaulting, validation, admission of the object or managedFields
   * entry. `update` must not change the live (cached) object: it copies what it changes, with a new
   * top level and metadata, and may share the rest (a deep copy per write would cost more than the write).
   */
  async updateInStorage(ctx: RequestContext, namespace: string, name: string, update: (live: KubeObject) => KubeObject, subresource = ''): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
      const cached = this.cache.get(key);
      if (!cached) throw new NotFoundError(this.target(name));
      const next = update(cached.object);
      if (ctx.dryRun) return next;
      try {
        const updated = await this.write(key, next, value => this.store.update(key, value, cached.revision));
        this.observe(ctx, 'update', subresource, updated);
        return updated;
      } catch (err) {
        if (err instanceof CompareFailedError || err instanceof KeyNotFoundError) continue;
        throw err;
      }
    }
    throw new ConflictError(this.target(name), 'too many concurrent updates; please retry');
  }

  /** Admission of a create on a subresource with its own request object (pods/binding's Binding), as upstream's create handler runs it. */
  async admitSubresourceCreate(ctx: RequestContext, namespace: string, name: string, subresource: string, request: KubeObject): Promise<void> {
    await this.admit('CREATE', ctx, namespace, name, subresource, request);
    await this.admission.validate(this.attrs('CREATE', ctx, namespace, name, subresource, request));
  }

  private async prepareUpdate(ctx: RequestContext, namespace: string, name: string, input: KubeObject, live: KubeObject, opts: UpdateOptions): Promise<KubeObject> {
    const subresource = opts.subresource ?? '';
    const obj = input;
    this.checkKind(obj);
    obj.apiVersion = this.apiVersion;
    obj.kind = this.info.kind;
    this.placeInNamespace(obj, namespace);
    obj.metadata.name = name;
    const meta = obj.metadata;
    const old = live.metadata;
    // Fields the server owns are carried over whatever the client sent.
    meta.uid = old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    meta.resourceVersion = old.resourceVersion;
    meta.generation = old.generation;
    delete meta.selfLink;
    if (!meta.deletionTimestamp) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    if (meta.generation === undefined) delete meta.generation;

    const forSubresource = this.strategy.subresourceUpdates?.[subresource] ?? (subresource === 'status' ? keepAllButStatus : undefined);
    if (forSubresource) forSubresource(obj, live);
    else await this.strategy.prepareForUpdate?.(obj, live, ctx);
    this.strategy.defaults?.(obj, this.info.version);
    if (this.strategy.tracksGeneration && specChanged(obj, live, this.strategy.generationCountsStatus)) obj.metadata.generation = (live.metadata.generation ?? 0) + 1;

    await this.admit('UPDATE', ctx, namespace, name, subresource, obj, live);
    this.check(obj, validateUpdate(this.strategy.rules ?? {}, obj, live, { namespaced: this.info.namespaced }));
    if (!subresource) ctx.warnings.push(...(this.strategy.warningsOnUpdate?.(obj, live) ?? []));
    await this.admission.validate(this.attrs('UPDATE', ctx, namespace, name, subresource, obj, live));
    if (sameObject(obj, live)) return live;
    return opts.applied ? obj : this.withManagedFields(live, obj, ctx, subresource);
  }

  async delete(ctx: RequestContext, namespace: string, name: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
      const cached = this.cache.get(key);
      if (!cached) throw new NotFoundError(this.target(name));
      // Admission and the answer see the object at this store's version; what is stored changes
      // (deletion marks, finalizers) on the stored object, so nothing is converted back.
      const live = this.conversion ? await this.conversion.toVersion(cached.object) : cached.object;
      this.checkPreconditions(live, options, name);
      await this.admission.admit({ ...this.attrs('DELETE', ctx, namespace, name, '', undefined, live), options });
      await this.admission.validate({ ...this.attrs('DELETE', ctx, namespace, name, '', undefined, live), options });

      const next = this.markForDeletion(cached.object, options);
      // A graceful deletion under way that this request does not shorten, or nothing to change:
      // nothing is written (as upstream's GuaranteedUpdate skips a write of the same object).
      if (next === 'pending' || (next !== 'now' && sameObject(next, cached.object))) return { object: live, deleted: false };
      try {
        if (next !== 'now') {
          if (ctx.dryRun) return { object: await this.presentOne(next), deleted: false };
          const rev = await this.store.update(key, this.encode(next), cached.revision);
          next.metadata.resourceVersion = String(rev);
          const marked = await this.presentOne(next);
          this.observe(ctx, 'delete', '', marked);
          return { object: marked, deleted: false };
        }
        if (ctx.dryRun) return { object: live, deleted: true };
        const { revision } = await this.store.delete(key, cached.revision);
        this.strategy.afterDelete?.(live);
        const deleted = { ...live, metadata: { ...live.metadata, resourceVersion: String(revision) } };
        this.observe(ctx, 'delete', '', deleted);
        return { object: deleted, deleted: true };
      } catch (err) {
        if (err instanceof CompareFailedError || err instanceof KeyNotFoundError) continue;
        throw err;
      }
    }
    throw new ConflictError(this.target(name), 'too many concurrent updates; please retry');
  }

  /**
   * What a delete request does, as upstream's BeforeDelete and updateForGracefulDeletionAndFinalizers:
   * 'pending' when a graceful deletion is under way and this request does not shorten it (the
   * finalizers then stay as they are), 'now' when nothing holds the object, else the object to
   * store while its grace period runs or its finalizers are pending.
   */
  private markForDeletion(live: KubeObject, options: DeleteOptions): KubeObject | 'pending' | 'now' {
    const next = clone(live);
    const meta = next.metadata;
    const graceful = !!this.strategy.gracePeriodSeconds;
    /** The grace period this request leaves, when it starts or shortens a graceful deletion. */
    let grace: number | undefined;
    if (meta.deletionTimestamp) {
      const current = meta.deletionGracePeriodSeconds ?? 0;
      if (graceful && current > 0) {
        const requested = options.gracePeriodSeconds;
        if (requested === undefined || requested >= current) return 'pending';
        // Only shortened, counted from when the first request set the deadline.
        meta.deletionTimestamp = nowTimestamp(new Date(Date.parse(meta.deletionTimestamp) + (requested - current) * 1000));
        meta.deletionGracePeriodSeconds = grace = requested;
      }
    } else if (graceful) {
      grace = this.strategy.gracePeriodSeconds!(live, options);
      meta.deletionTimestamp = nowTimestamp(new Date(Date.now() + grace * 1000));
      meta.deletionGracePeriodSeconds = grace;
      if (meta.generation) meta.generation += 1;
    }
    const finalizers = propagationFinalizers(meta.finalizers ?? [], options);
    if (finalizers.length) meta.finalizers = finalizers; else delete meta.finalizers;
    this.strategy.prepareForDeletion?.(next);
    const held = finalizers.length > 0 || (this.strategy.deletionBlocked?.(next) ?? false);
    if (!held && !grace) return 'now';
    if (grace === undefined) markAsDeleting(next);
    return next;
  }

  /** As upstream's BeforeDelete, which names the kind where other conflicts name the resource. */
  private checkPreconditions(live: KubeObject, options: DeleteOptions, name: string): void {
    const pre = options.preconditions;
    const target = { group: this.info.group, resource: this.info.kind, name };
    if (pre?.uid && pre.uid !== live.metadata.uid) {
      throw new ConflictError(target, `the UID in the precondition (${pre.uid}) does not match the UID in record (${live.metadata.uid}). The object might have been deleted and then recreated`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) {
      throw new ConflictError(target, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${live.metadata.resourceVersion}). The object might have been modified`);
    }
  }

  async deleteCollection(ctx: RequestContext, namespace: string, listOpts: ListOptions, options: DeleteOptions): Promise<KubeObject[]> {
    const { items } = await this.list(namespace, { ...listOpts, limit: 0, continue: undefined });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      try {
        deleted.push((await this.delete(ctx, item.object.metadata.namespace ?? '', item.object.metadata.name!, options)).object);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    return deleted;
  }

  // ---- helpers ----

  private observe(ctx: RequestContext, operation: WriteOperation, subresource: string, object: KubeObject): void {
    this.observer?.({ info: this.info, ctx, operation, subresource, object });
  }

  /**
   * Stores `obj` (which the caller hands over) and answers with the watch cache's copy. While the
   * write is under way the object is known by its key and text, so that the watch cache takes it
   * as it is rather than parse the text back: every write would otherwise be decoded once more. An
   * event with other text for the key (another write's) is decoded as usual.
   */
  private async write(key: string, obj: KubeObject, put: (value: string) => Promise<number>): Promise<KubeObject> {
    if (this.conversion) {
      // The cache holds the stored (unconverted) object: the answer is the one written.
      const rev = await put(this.encode(await this.conversion.toStorage(obj)));
      obj.metadata.resourceVersion = String(rev);
      return obj;
    }
    if (this.codec && !this.codec.storesAsIs) return this.committed(key, await put(this.encode(obj)), obj);
    const stored = new StoredText(obj);
    const writing = { object: obj, stored };
    this.writing.set(key, writing);
    try {
      return this.committed(key, await put(stored.text), obj);
    } finally {
      if (this.writing.get(key) === writing) this.writing.delete(key);
    }
  }

  /**
   * The object as written at `rev`: the watch cache's copy (the store publishes before it
   * acknowledges), whose encoding responses and watch events then share.
   */
  private committed(key: string, rev: number, written: KubeObject): KubeObject {
    const cached = this.cache.get(key);
    if (cached?.revision === rev) return cached.object;
    written.metadata.resourceVersion = String(rev);
    return written;
  }

  private checkKind(obj: KubeObject): void {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new BadRequestError('the body of the request was in an unknown format');
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (obj.kind !== undefined && obj.kind !== this.info.kind) {
      throw new BadRequestError(`the kind in the data (${obj.kind}) does not match the expected kind (${this.info.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== this.apiVersion) {
      throw new BadRequestError(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${this.apiVersion})`);
    }
    obj.apiVersion = this.apiVersion;
    obj.kind = this.info.kind;
  }

  private placeInNamespace(obj: KubeObject, namespace: string): void {
    if (!this.info.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace;
  }

  private check(obj: KubeObject, errors: FieldError[]): void {
    if (errors.length) throw new InvalidError(this.info.kind, obj.metadata.name ?? '', this.info.group, errors);
  }

  private withManagedFields(old: KubeObject | undefined, obj: KubeObject, ctx: RequestContext, subresource: string): KubeObject {
    return updateManagedFields(old, obj, {
      manager: ctx.fieldManager ?? defaultFieldManager(ctx.userAgent),
      operation: 'Update',
      gvk: { group: this.info.group, version: this.info.version, kind: this.info.kind },
      apiVersion: this.apiVersion,
      subresource: subresource || undefined,
      now: nowTimestamp(),
      spec: this.strategy.openApi,
    }) as KubeObject;
  }

  private attrs(operation: AdmissionOperation, ctx: RequestContext, namespace: string, name: string, subresource: string, object?: KubeObject, oldObject?: KubeObject) {
    return { resource: this.info, operation, namespace, name, subresource, object, oldObject, ctx };
  }

  private admit(operation: AdmissionOperation, ctx: RequestContext, namespace: string, name: string, subresource: string, object?: KubeObject, oldObject?: KubeObject): Promise<void> {
    return this.admission.admit(this.attrs(operation, ctx, namespace, name, subresource, object, oldObject));
  }

  /** An update that clears the last finalizer of an object awaiting deletion completes the deletion. */
  private shouldDeleteDuringUpdate(obj: KubeObject): boolean {
    const m = obj.metadata;
    return !!m.deletionTimestamp && !m.finalizers?.length && (m.deletionGracePeriodSeconds ?? 0) === 0 && !this.strategy.deletionBlocked?.(obj);
  }

  private modifiedConflict(name: string): StatusError {
    return new ConflictError(this.target(name), 'the object has been modified; please apply your changes to the latest version and try again');
  }
}

/** Five characters from upstream's generateName alphabet. */
export function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_NAME_CHARS[Math.floor(Math.random() * GENERATE_NAME_CHARS.length)];
  return s;
}

export function tooOldResourceVersion(requested: number, oldest: number): GoneError {
  return new GoneError(`too old resource version: ${requested} (${oldest})`);
}

/** The text of upstream's storage.StorageError for an invalid object, which update conflicts quote. */
function invalidObject(key: string, message: string): string {
  return `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${message}`;
}

function parseRevision(rv: string): number {
  const n = Number(rv);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestError(`invalid resource version "${rv}"`);
  return n;
}

/** Everything outside metadata and (unless it counts) status: a change here bumps metadata.generation. */
function specChanged(a: KubeObject, b: KubeObject, withStatus = false): boolean {
  const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: undefined, status: withStatus ? o.status : undefined, apiVersion: undefined, kind: undefined });
  return strip(a) !== strip(b);
}

/**
 * Whether a write changes nothing, managedFields' timestamps aside (upstream's
 * IgnoreManagedFieldsTimestampsTransformer): a new owner of an unchanged field (a second applier of
 * the same value) is a change.
 */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({
    ...o, metadata: { ...o.metadata, managedFields: o.metadata.managedFields?.map(e => ({ ...e, time: undefined })), resourceVersion: undefined },
  });
  return strip(a) === strip(b);
}

/**
 * The finalizers after a delete request, as upstream's deletionFinalizersForGarbageCollection:
 * `orphan` and `foregroundDeletion` follow orphanDependents, else propagationPolicy, else the one
 * already there (Background removes both); other finalizers stay. Unchanged as a set: as it was.
 */
function propagationFinalizers(current: string[], options: DeleteOptions): string[] {
  const policy = options.orphanDependents !== undefined ? (options.orphanDependents ? 'Orphan' : 'Background')
    : options.propagationPolicy ?? (current.find(f => f === ORPHAN || f === FOREGROUND) === ORPHAN ? 'Orphan'
      : current.includes(FOREGROUND) ? 'Foreground' : 'Background');
  const next = current.filter(f => f !== ORPHAN && f !== FOREGROUND);
  if (policy === 'Orphan') next.push(ORPHAN);
  if (policy === 'Foreground') next.push(FOREGROUND);
  const same = next.length === new Set(current).size && next.every(f => current.includes(f));
  return same ? current : next;
}

/**
 * Deletion without a grace period, held by finalizers: deletionTimestamp is now (or kept if
 * earlier), the grace period 0; the first time, generation is bumped, as upstream's markAsDeleting.
 */
function markAsDeleting(obj: KubeObject): void {
  const meta = obj.metadata;
  const now = Date.now();
  if (!meta.deletionTimestamp && meta.generation) meta.generation += 1;
  if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > now) meta.deletionTimestamp = nowTimestamp(new Date(now));
  meta.deletionGracePeriodSeconds = 0;
}
