// Decides what an event a component reports becomes on the server, as upstream's EventCorrelator
// (client-go tools/record) does, so `kubectl get events` reads the same:
// - the exact same event again bumps `count` and `lastTimestamp` of the Event already posted;
// - events that differ only in message, seen 10 times within 10 minutes, collapse into one Event
//   whose message starts "(combined from similar events): ";
// - a source may report 25 events about one object at once, then one per 5 minutes (token bucket),
//   so an object that is always unhealthy cannot flood the store.
// All three memories are LRU-bounded (4096 keys), so a long-running component's memory stays flat.
import type { ObjectReference } from '../api/types/generated.js';
import { LruMap } from '../util/lru-map.js';

export interface EventSource { component: string; host?: string }

/** What a component reports: one occurrence. */
export interface EventOccurrence {
  source: EventSource;
  involvedObject: ObjectReference;
  type: string;
  reason: string;
  message: string;
  /** Annotations of the Event: the reporter's structured detail (the scheduler's per-node verdict). */
  annotations?: Record<string, string>;
}

/** The Event to write: create it when `count` is 1, otherwise update `count`/`lastTimestamp`/`message` (and annotations) of `name`. */
export interface CorrelatedEvent extends EventOccurrence {
  name: string;
  count: number;
  firstTimestamp: Date;
  lastTimestamp: Date;
}

export type Correlation = { skip: true } | { skip: false; event: CorrelatedEvent };

const CACHE_ENTRIES = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_PER_MS = 1 / 300_000;
export const AGGREGATE_PREFIX = '(combined from similar events): ';

interface Observation { name: string; count: number; first: Date }
interface SimilarEvents { messages: Set<string>; last: number }
interface Bucket { tokens: number; at: number }

const objectKey = (e: EventOccurrence) => {
  const o = e.involvedObject;
  return [e.source.component, e.source.host ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? '', o.uid ?? '', o.apiVersion ?? ''];
};

export class EventCorrelator {
  private readonly observed = new LruMap<string, Observation>(CACHE_ENTRIES);
  private readonly similar = new LruMap<string, SimilarEvents>(CACHE_ENTRIES);
  private readonly buckets = new LruMap<string, Bucket>(CACHE_ENTRIES);

  constructor(private readonly newName: (e: EventOccurrence, now: Date) => string) {}

  correlate(occurrence: EventOccurrence, now = new Date()): Correlation {
    const { event: candidate, key } = this.aggregate(occurrence, now);
    const event = this.observe(candidate, key, now);
    // As upstream, the occurrence is counted before the spam filter decides whether to send it.
    return this.allowed(occurrence, now.getTime()) ? { skip: false, event } : { skip: true };
  }

  /** Upstream's EventAggregate: past the threshold of distinct messages, report the combined event. */
  private aggregate(e: EventOccurrence, now: Date): { event: EventOccurrence; key: string } {
    const exactKey = [...objectKey(e), e.involvedObject.fieldPath ?? '', e.type, e.reason, e.message].join('\0');
    const groupKey = [...objectKey(e), e.type, e.reason].join('\0');
    let group = this.similar.get(groupKey);
    if (!group || now.getTime() - group.last > AGGREGATE_INTERVAL_MS) group = { messages: new Set(), last: 0 };
    group.messages.add(e.message);
    group.last = now.getTime();
    this.similar.set(groupKey, group);
    if (group.messages.size < AGGREGATE_MAX_EVENTS) return { event: e, key: exactKey };
    // Keep the set at the threshold: every further distinct message keeps the group aggregated.
    group.messages.delete(group.messages.values().next().value as string);
    return { event: { ...e, message: AGGREGATE_PREFIX + e.message }, key: groupKey };
  }

  /** Upstream's eventObserve: a repeat of a known key continues its Event's count. */
  private observe(e: EventOccurrence, key: string, now: Date): CorrelatedEvent {
    const prior = this.observed.get(key);
    const event: CorrelatedEvent = prior
      ? { ...e, name: prior.name, count: prior.count + 1, firstTimestamp: prior.first, lastTimestamp: now }
      : { ...e, name: this.newName(e, now), count: 1, firstTimestamp: now, lastTimestamp: now };
    this.observed.set(key, { name: event.name, count: event.count, first: event.firstTimestamp });
    return event;
  }

  /** Upstream's EventSourceObjectSpamFilter: a token bucket per source and object. */
  private allowed(e: EventOccurrence, nowMs: number): boolean {
    const key = objectKey(e).join('\0');
    const bucket = this.buckets.get(key) ?? { tokens: SPAM_BURST, at: nowMs };
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (nowMs - bucket.at) * SPAM_REFILL_PER_MS);
    bucket.at = nowMs;
    const ok = bucket.tokens >= 1;
    if (ok) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return ok;
  }
}
