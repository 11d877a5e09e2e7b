import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGGREGATE_PREFIX, EventCorrelator, type Correlation, type CorrelatedEvent, type EventOccurrence } from './event-correlator.js';

const pod = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}`, apiVersion: 'v1' });
const occurrence = (message: string, name = 'web-0', reason = 'BackOff'): EventOccurrence =>
  ({ source: { component: 'kubelet', host: 'node-1' }, involvedObject: pod(name), type: 'Warning', reason, message });

function sent(c: Correlation): CorrelatedEvent {
  assert.equal(c.skip, false, 'expected the event to be sent');
  return (c as { event: CorrelatedEvent }).event;
}

function correlator() {
  let n = 0;
  return new EventCorrelator(e => `${e.involvedObject.name}.${++n}`);
}

test('an exact repeat raises the count of the same Event and keeps its first timestamp', () => {
  const c = correlator();
  const t0 = new Date('2026-01-01T00:00:00Z');
  const first = sent(c.correlate(occurrence('Back-off restarting'), t0));
  const t1 = new Date(t0.getTime() + 30_000);
  const again = sent(c.correlate(occurrence('Back-off restarting'), t1));
  assert.equal(first.count, 1);
  assert.equal(again.name, first.name);
  assert.equal(again.count, 2);
  assert.deepEqual(again.firstTimestamp, t0);
  assert.deepEqual(again.lastTimestamp, t1);
  // Another object's identical event is its own Event.
  assert.equal(sent(c.correlate(occurrence('Back-off restarting', 'web-1'), t1)).count, 1);
});

test('ten messages of one reason within ten minutes are combined into one Event', () => {
  const c = correlator();
  const t = new Date('2026-01-01T00:00:00Z');
  const names = new Set<string>();
  for (let i = 1; i <= 9; i++) {
    const e = sent(c.correlate(occurrence(`message ${i}`, 'web-0', 'FailedMount'), t));
    assert.equal(e.message, `message ${i}`);
    names.add(e.name);
  }
  assert.equal(names.size, 9);
  const tenth = sent(c.correlate(occurrence('message 10', 'web-0', 'FailedMount'), t));
  assert.equal(tenth.message, `${AGGREGATE_PREFIX}message 10`);
  assert.equal(tenth.count, 1);
  const eleventh = sent(c.correlate(occurrence('message 11', 'web-0', 'FailedMount'), t));
  assert.equal(eleventh.name, tenth.name);
  assert.equal(eleventh.count, 2);
  assert.equal(eleventh.message, `${AGGREGATE_PREFIX}message 11`);
  // Ten minutes of quiet start the group afresh.
  const later = new Date(t.getTime() + 601_000);
  assert.equal(sent(c.correlate(occurrence('message 12', 'web-0', 'FailedMount'), later)).message, 'message 12');
});

test('a source may burst 25 events about an object, then one every five minutes', () => {
  const c = correlator();
  const t = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < 25; i++) sent(c.correlate(occurrence('same'), t));
  assert.deepEqual(c.correlate(occurrence('same'), t), { skip: true });
  // Other objects have their own budget.
  sent(c.correlate(occurrence('same', 'web-1'), t));
  assert.equal(c.correlate(occurrence('same'), new Date(t.getTime() + 299_000)).skip, true);
  const refilled = sent(c.correlate(occurrence('same'), new Date(t.getTime() + 301_000)));
  // Skipped occurrences were still counted, as upstream counts before filtering.
  assert.equal(refilled.count, 28);
});
