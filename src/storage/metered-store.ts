// A Store that records every request it forwards in StorageMetrics, labelled with the resource it
// serves ("configmaps", "deployments.apps") as upstream's etcd3 store labels its requests. The API
// server puts one in front of the shared backend per resource, so SQLite and etcd are measured at
// the same interface. The cost per request is one clock read, a histogram observation and a counter
// increment; watches and compaction pass through unmeasured, as upstream's.

import {
  CompareFailedError, KeyExistsError, KeyNotFoundError,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreWatcher, type WatchOptions,
} from './types.js';
import type { StorageMetrics, StorageOperation } from './storage-metrics.js';

type OperationLabels = Record<StorageOperation, { operation: StorageOperation; type: string }>;

export class MeteredStore implements Store {
  /** One label set per operation, made once: recording allocates none. */
  private readonly labels: OperationLabels;

  constructor(private readonly inner: Store, private readonly metrics: StorageMetrics, type: string) {
    const l = (operation: StorageOperation) => ({ operation, type });
    this.labels = { get: l('get'), list: l('list'), listWithCount: l('listWithCount'), create: l('create'), update: l('update'), delete: l('delete') };
  }

  get revision(): number { return this.inner.revision; }
  get compactRevision(): number { return this.inner.compactRevision; }

  get(key: string, revision?: number): Promise<KeyValue | undefined> {
    return this.measure('get', () => this.inner.get(key, revision));
  }

  range(start: string, end: string, opts?: RangeOptions): Promise<RangeResult> {
    return this.measure(opts?.countOnly ? 'listWithCount' : 'list', () => this.inner.range(start, end, opts));
  }

  create(key: string, value: string): Promise<number> {
    return this.measure('create', () => this.inner.create(key, value));
  }

  update(key: string, value: string, expectedModRevision: number): Promise<number> {
    return this.measure('update', () => this.inner.update(key, value, expectedModRevision));
  }

  delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    return this.measure('delete', () => this.inner.delete(key, expectedModRevision));
  }

  watch(prefix: string, opts: WatchOptions): StoreWatcher { return this.inner.watch(prefix, opts); }
  compact(revision: number): Promise<void> { return this.inner.compact(revision); }
  dbSize(): Promise<number | undefined> { return this.inner.dbSize(); }
  close(): Promise<void> { return this.inner.close(); }

  private measure<T>(operation: StorageOperation, call: () => Promise<T>): Promise<T> {
    const labels = this.labels[operation];
    const started = performance.now();
    const request = call();
    request.then(() => this.metrics.record(labels, started, false), err => this.metrics.record(labels, started, !isOutcome(err)));
    return request;
  }
}

/** Errors that report the state found (the transaction ran), not a failure to reach the backend. */
function isOutcome(err: unknown): boolean {
  return err instanceof KeyExistsError || err instanceof KeyNotFoundError || err instanceof CompareFailedError;
}
