// Watch streams: newline-delimited JSON events. Initial state (when asked for), then changes from
// the watch cache — or from the store's history when resuming from before the cache's window —
// filtered by selectors, with periodic bookmarks and a server-side timeout.
// Which events a watcher sees is decided in watch-events.ts, how they are encoded in watch-encoding.ts,
// how they go out (writes, backpressure) in watch-writer.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GoneError } from '../../api/errors.js';
import { toStatusError } from '../http/respond.js';
import { namespacePrefix } from '../registry/keys.js';
import type { Negotiated } from '../http/negotiate.js';
import type { GenericStore, ListOptions } from '../registry/generic-store.js';
import type { CacheEvent, CachedObject } from '../registry/watch-cache.js';
import type { IncludeObject } from './render.js';
import type { WatchEventRecorder } from '../request-metrics.js';
import { scheduleBookmarks } from './watch-bookmarks.js';
import { WatchEncoder, watchLine } from './watch-encoding.js';
import { watchEventsFor } from './watch-events.js';
import { WatchWriter } from './watch-writer.js';

export interface WatchParams {
  namespace: string;
  list: ListOptions;
  allowBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** A client that lets this much output pile up is too slow to keep up; its watch is ended. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** `recordEvents` counts the events sent (apiserver_watch_events_total and _sizes). */
export function serveWatch(req: IncomingMessage, res: ServerResponse, store: GenericStore, p: WatchParams, neg: Negotiated, includeObject: IncludeObject, recordEvents?: WatchEventRecorder): void {
  const match = store.matcher(p.list);
  const rv = p.list.resourceVersion;
  const wantsInitial = p.sendInitialEvents ?? (!rv || rv === '0');
  const encode = new WatchEncoder(store.info, neg, includeObject, store.strategy.printer, !store.conversion);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  const writer = new WatchWriter(res, MAX_BUFFERED_BYTES, () => close());
  // The lines of one delivery (a commit's events, the initial objects) are sent together.
  const send = (lines: Buffer[]): void => {
    if (!lines.length) return;
    recordEvents?.(lines);
    writer.send(lines);
  };
  const bookmark = (revision: number, annotations?: Record<string, string>): void => send([encode.bookmark(revision, annotations)]);
  const sendError = (err: unknown): void => send([watchLine('ERROR', JSON.stringify(toStatusError(err).toStatus()))]);
  const deliver = (events: CacheEvent[]): void => {
    const lines: Buffer[] = [];
    for (const e of watchEventsFor(events, p.namespace, match)) lines.push(encode.line(e.type, e.object));
    send(lines);
  };

  // A store that converts asynchronously (webhook conversion): events and the initial objects are
  // converted in order, one call per delivery; a failed conversion ends the watch with its error.
  let converting = Promise.resolve();
  const inOrder = (step: () => Promise<void>): void => {
    converting = converting.then(() => (closed ? undefined : step())).catch(err => {
      sendError(err);
      close();
    });
  };
  const receive = !store.conversion ? deliver : (events: CacheEvent[]): void => inOrder(async () => {
    const converted = await convertedEvents(store, events);
    if (!closed) deliver(converted);
  });
  const sendInitial = (items: CachedObject[], revision: number): void => {
    const emit = (list: CachedObject[]): void => {
      const lines: Buffer[] = [];
      for (const c of list) if (match(c.object)) lines.push(encode.line('ADDED', c, false));
      if (p.sendInitialEvents) lines.push(encode.bookmark(revision, { 'k8s.io/initial-events-end': 'true' }));
      send(lines);
    };
    if (!store.conversion) return emit(items);
    inOrder(async () => {
      const converted = await store.present(items);
      if (!closed) emit(converted);
    });
  };

  let unsubscribe: () => void = () => {};
  let unschedule: () => void = () => {};
  let closed = false;
  let timeout: NodeJS.Timeout | undefined;
  function close(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    offStop();
    unschedule();
    clearTimeout(timeout);
    writer.end();
  }
  // The resource stops being served (its CRD changed or went): the watch ends, as upstream's do.
  const offStop = store.cache.onStop(close);
  req.on('close', close);
  res.on('error', close);

  try {
    if (wantsInitial) {
      sendInitial(store.cache.list(namespacePrefix(store.info, p.namespace)), store.cache.revision);
      unsubscribe = store.cache.subscribe(receive);
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) throw new GoneError(`invalid resource version: ${rv}`);
      const replay = store.cache.eventsSince(from);
      if (replay) {
        unsubscribe = store.cache.subscribe(receive);
        receive(replay);
      } else {
        const watcher = store.watchFromStore(p.namespace, from, receive);
        unsubscribe = () => watcher.close();
      }
    }
  } catch (err) {
    sendError(err);
    return close();
  }

  // Ended already (e.g. a client too slow for its initial events): nothing to schedule.
  if (closed) return;
  if (p.allowBookmarks) unschedule = scheduleBookmarks(() => bookmark(store.cache.revision));
  // Without a client timeout, end after 30–60 minutes as upstream does, so clients re-list eventually.
  const timeoutMs = p.timeoutSeconds !== undefined ? p.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  // Node's timers hold at most 2^31-1 ms (about 24 days); a longer delay would fire at once.
  timeout = setTimeout(close, Math.min(timeoutMs, MAX_TIMER_MS));
}

/** Events with their objects (current and previous) at the store's version, converted in one call. */
async function convertedEvents(store: GenericStore, events: CacheEvent[]): Promise<CacheEvent[]> {
  const objects = events.flatMap(e => (e.previous ? [e.current, e.previous] : [e.current]));
  const converted = await store.present(objects);
  let i = 0;
  return events.map(e => ({ ...e, current: converted[i++], previous: e.previous ? converted[i++] : undefined }));
}
