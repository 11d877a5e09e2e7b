// The revisioned key-value contract every backend implements (etcd v3 semantics).
// Keys look like /registry/<resource>/<namespace>/<name>; values are serialized objects (JSON text).
// Every write gets the next value of one global, strictly increasing revision.

export interface KeyValue {
  key: string;
  value: string;
  /** Revision at which this key was (last) created. */
  createRevision: number;
  /** Revision of the last write to this key: an object's metadata.resourceVersion. */
  modRevision: number;
  /**
   * Set by a transforming store when the value was read with an older key or provider than writes
   * use: a write of the same object should still happen, so that rewriting re-encrypts it.
   */
  stale?: boolean;
}

export interface RangeOptions {
  /**
   * Read as of this revision (0, absent or above the current revision: current). Throws
   * CompactedError if below the compact revision.
   */
  revision?: number;
  /** Return at most this many keys (0 or absent: all). */
  limit?: number;
  /** Only count; kvs is empty. */
  countOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** True when `limit` cut the result short. */
  more: boolean;
  /** Number of keys in the whole range (ignoring limit). */
  count: number;
  /** Revision the read was served at. */
  revision: number;
}

export type WatchEventType = 'PUT' | 'DELETE';

export interface StoreEvent {
  type: WatchEventType;
  /** For PUT: the new value. For DELETE: key with the deletion's modRevision and the old value. */
  kv: KeyValue;
  /** The value before this write, when there was one. */
  prevKv?: KeyValue;
  /** True when a PUT created the key. */
  created: boolean;
}

export interface StoreWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Deliver events with revision > afterRevision (first replaying the history). */
  afterRevision: number;
  onEvents: (events: StoreEvent[]) => void;
  /** Called once if the watch ends for a reason other than close() (e.g. the store closed). */
  onError?: (err: Error) => void;
}

export interface Store {
  /** Current (latest committed) revision. */
  readonly revision: number;
  /** Oldest revision that can still be read or watched from. */
  readonly compactRevision: number;

  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** Keys in [start, end) in key order. Use `prefixEnd(prefix)` for a prefix range. */
  range(start: string, end: string, opts?: RangeOptions): Promise<RangeResult>;
  /** Creates key; throws KeyExistsError if present. Resolves once durable. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /**
   * Replaces key's value if its modRevision equals expectedModRevision; otherwise throws
   * CompareFailedError (with the current kv) or KeyNotFoundError. Resolves once durable.
   */
  update(key: string, value: string, expectedModRevision: number): Promise<number>;
  /** Deletes key (if expectedModRevision given, only at that revision). Returns the deleted kv and the new revision. */
  delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prevKv: KeyValue }>;
  /**
   * Watches keys with the prefix. Throws CompactedError if afterRevision < compactRevision.
   * History after afterRevision is replayed first (synchronously, before watch returns); then each
   * commit's events are delivered in revision order before the writers' promises resolve, so
   * anyone who has seen a write acknowledged can rely on watchers having seen it too.
   */
  watch(prefix: string, opts: WatchOptions): StoreWatcher;
  /**
   * Forgets superseded values at or below `revision` (clamped to the current revision): reads and
   * watches below it then throw CompactedError. Current values always stay readable.
   */
  compact(revision: number): Promise<void>;
  /**
   * Bytes the backend's database physically takes (etcd's dbSize, the SQLite file), for
   * apiserver_storage_size_bytes; undefined for a backend without one (memory).
   */
  dbSize(): Promise<number | undefined>;
  close(): Promise<void>;
}

export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class KeyExistsError extends StorageError {
  constructor(readonly key: string) { super(`key exists: ${key}`); }
}

export class KeyNotFoundError extends StorageError {
  constructor(readonly key: string) { super(`key not found: ${key}`); }
}

export class CompareFailedError extends StorageError {
  constructor(readonly key: string, readonly current: KeyValue) {
    super(`compare failed for ${key}: modRevision is ${current.modRevision}`);
  }
}

/** Every operation on a closed store fails with this; watches end with it (via onError). */
export class StoreClosedError extends StorageError {
  constructor() { super('store is closed'); }
}

export class CompactedError extends StorageError {
  constructor(readonly requested: number, readonly compactRevision: number) {
    super(`required revision ${requested} has been compacted (oldest available ${compactRevision})`);
  }
}

/** The smallest key greater than every key with this prefix (etcd's prefix range end). */
export function prefixEnd(prefix: string): string {
  return prefix + '\uffff';
}

/** The revision a read asking for `requested` is served at: absent, 0 or future means current. */
export function servedRevision(requested: number | undefined, current: number, compacted: number): number {
  if (!requested || requested >= current) return current;
  if (requested < compacted) throw new CompactedError(requested, compacted);
  return requested;
}
