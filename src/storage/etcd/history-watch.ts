// One etcd watch over the whole keyspace, with previous values and progress notifications: the
// stream of every committed revision, in order, that the etcd store keeps its history from. Every
// revision after etcd's first (1, which has no keys) is a write with at least one event, so the
// events alone say how far the stream has come; no progress request is needed (etcd 3.4.23 answers
// one at once, even before the events it covers have been sent, etcd issue #15220). When the stream
// breaks (the member went away) it is opened again on the next endpoint from the revision after the
// last one seen, so no revision is skipped or repeated.
import type * as grpc from '@grpc/grpc-js';
import type { KeyValue, StoreEvent } from '../types.js';
import { valueFromBytes } from '../value-bytes.js';
import type { EtcdClient } from './client.js';
import type { EtcdEvent, EtcdKeyValue, WatchRequest, WatchResponse } from './messages.js';

// etcd's "all keys" range: key and range_end both the zero byte.
const ALL_KEYS = Buffer.from([0]);
const RECONNECT_DELAY_MS = 500;
// The watch ID etcd gives a progress response meant for every watcher of a stream (one requested).
const PROGRESS_ALL_WATCH_ID = -1;

export interface HistoryListener {
  /** One revision's events (a transaction's writes share a revision), in revision order. */
  commit(revision: number, events: StoreEvent[]): void;
  /** Every revision up to `revision` has been delivered. */
  progress(revision: number): void;
  /**
   * etcd no longer has the history from `wanted` on: it was compacted to `compactRevision`. The
   * watch goes on from just after the compact revision.
   */
  compacted(wanted: number, compactRevision: number): void;
}

export class HistoryWatch {
  private stream?: grpc.ClientDuplexStream<WatchRequest, WatchResponse>;
  /** The revision the next event may have (everything before it was delivered). */
  private next: number;
  private closed = false;
  private reconnectTimer?: NodeJS.Timeout;
  /** The client's endpoint the stream was opened on. */
  private endpoint = 0;

  constructor(private readonly client: EtcdClient, fromRevision: number, private readonly listener: HistoryListener) {
    this.next = fromRevision;
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.stream?.cancel();
    this.stream = undefined;
  }

  private open(): void {
    this.endpoint = this.client.activeEndpoint;
    const stream = this.client.watchStream();
    this.stream = stream;
    stream.on('data', (res: WatchResponse) => this.receive(stream, res));
    stream.on('error', () => this.broken(stream));
    stream.on('end', () => this.broken(stream));
    stream.write({ createRequest: { key: ALL_KEYS, rangeEnd: ALL_KEYS, startRevision: this.next, prevKv: true, progressNotify: true } });
  }

  private receive(stream: grpc.ClientDuplexStream<WatchRequest, WatchResponse>, res: WatchResponse): void {
    if (stream !== this.stream) return;
    if (res.canceled) {
      if (res.compactRevision > 0) {
        this.listener.compacted(this.next, res.compactRevision);
        this.next = res.compactRevision + 1;
      }
      // Canceled for another reason (e.g. permissions): start over after a pause.
      this.restart(stream, res.compactRevision > 0 ? 0 : RECONNECT_DELAY_MS);
      return;
    }
    if (res.created) return;
    if (!res.events.length) {
      // A periodic progress notification: etcd sends it to a watcher only once every revision up
      // to the header's has been sent to it.
      if (res.watchId === PROGRESS_ALL_WATCH_ID) return;
      if (res.header.revision >= this.next) {
        this.next = res.header.revision + 1;
        this.listener.progress(res.header.revision);
      }
      return;
    }
    let start = 0;
    while (start < res.events.length) {
      const revision = res.events[start].kv.modRevision;
      let end = start;
      while (end < res.events.length && res.events[end].kv.modRevision === revision) end++;
      this.next = revision + 1;
      this.listener.commit(revision, res.events.slice(start, end).map(storeEvent));
      start = end;
    }
  }

  private broken(stream: grpc.ClientDuplexStream<WatchRequest, WatchResponse>): void {
    if (stream !== this.stream || this.closed) return;
    this.client.failOver(this.endpoint);
    this.restart(stream, RECONNECT_DELAY_MS);
  }

  private restart(stream: grpc.ClientDuplexStream<WatchRequest, WatchResponse>, delayMs: number): void {
    stream.cancel();
    this.stream = undefined;
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => { if (!this.closed) this.open(); }, delayMs);
  }
}

export function toKeyValue(kv: EtcdKeyValue): KeyValue {
  return { key: kv.key.toString('utf8'), value: valueFromBytes(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision };
}

/** An etcd event in the contract's terms: a DELETE carries the deleted value at the delete's revision. */
function storeEvent(e: EtcdEvent): StoreEvent {
  const prevKv = e.prevKv ? toKeyValue(e.prevKv) : undefined;
  if (e.type === 'DELETE') {
    const key = e.kv.key.toString('utf8');
    const kv: KeyValue = { key, value: prevKv?.value ?? '', createRevision: prevKv?.createRevision ?? 0, modRevision: e.kv.modRevision };
    return { type: 'DELETE', kv, prevKv, created: false };
  }
  const kv = toKeyValue(e.kv);
  return { type: 'PUT', kv, prevKv, created: kv.createRevision === kv.modRevision };
}
