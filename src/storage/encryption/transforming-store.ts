// A Store whose values pass through a transformer per key on the way in and out (upstream puts
// the transformer inside its etcd3 store). Revisions, keys, errors and event order are the inner
// store's; only values change. Keys no transformer claims are passed through untouched.
import {
  CompareFailedError, type KeyValue, type RangeOptions, type RangeResult, type Store, type StoreEvent,
  type StoreWatcher, type WatchOptions,
} from '../types.js';
import { TransformError, type ValueTransformer } from './transformer.js';

export type TransformerForKey = (key: string) => ValueTransformer | undefined;

export class TransformingStore implements Store {
  constructor(private readonly inner: Store, private readonly transformerFor: TransformerForKey) {}

  get revision(): number { return this.inner.revision; }
  get compactRevision(): number { return this.inner.compactRevision; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(key, revision);
    return kv && this.read(kv);
  }

  async range(start: string, end: string, opts?: RangeOptions): Promise<RangeResult> {
    const res = await this.inner.range(start, end, opts);
    return { ...res, kvs: res.kvs.map(kv => this.read(kv)) };
  }

  create(key: string, value: string): Promise<number> {
    return this.inner.create(key, this.write(key, value));
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    try {
      return await this.inner.update(key, this.write(key, value), expectedModRevision);
    } catch (err) {
      if (err instanceof CompareFailedError) throw new CompareFailedError(err.key, this.read(err.current));
      throw err;
    }
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; prevKv: KeyValue }> {
    const res = await this.inner.delete(key, expectedModRevision);
    return { revision: res.revision, prevKv: this.read(res.prevKv) };
  }

  watch(prefix: string, opts: WatchOptions): StoreWatcher {
    let failed = false;
    let watcher: StoreWatcher | undefined;
    const w = this.inner.watch(prefix, {
      afterRevision: opts.afterRevision,
      onError: opts.onError,
      onEvents: events => {
        if (failed) return;
        let plain: StoreEvent[];
        try {
          plain = events.map(e => ({ ...e, kv: this.read(e.kv), prevKv: e.prevKv && this.read(e.prevKv) }));
        } catch (err) {
          // A value this server cannot read (written with a key it does not have) ends the watch,
          // as a decode error ends upstream's; it must not reach the store's commit path.
          failed = true;
          watcher?.close();
          opts.onError?.(err as Error);
          return;
        }
        opts.onEvents(plain);
      },
    });
    watcher = w;
    if (failed) w.close();
    return w;
  }

  compact(revision: number): Promise<void> { return this.inner.compact(revision); }
  dbSize(): Promise<number | undefined> { return this.inner.dbSize(); }
  close(): Promise<void> { return this.inner.close(); }

  private read(kv: KeyValue): KeyValue {
    const t = this.transformerFor(kv.key);
    if (!t) return kv;
    let plain;
    try {
      plain = t.fromStorage(kv.value, kv.key);
    } catch (err) {
      throw new TransformError(`unable to transform key ${JSON.stringify(kv.key)}: ${(err as Error).message}`);
    }
    if (!plain.stale && plain.text === kv.value) return kv;
    const out: KeyValue = { ...kv, value: plain.text };
    if (plain.stale) out.stale = true;
    return out;
  }

  private write(key: string, value: string): string {
    const t = this.transformerFor(key);
    return t ? t.toStorage(value, key) : value;
  }
}
