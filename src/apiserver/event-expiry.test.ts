import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastWriteMs } from './event-expiry.js';

test('an Event was last written at its newest managedFields time, else at its creation', () => {
  const created = '2026-01-01T00:00:00Z';
  assert.equal(lastWriteMs({ metadata: { creationTimestamp: created } }), Date.parse(created));
  assert.equal(lastWriteMs({
    metadata: {
      creationTimestamp: created,
      // An entry without a time (a client may send one) does not hide the others.
      managedFields: [{ manager: 'a', time: '2026-01-01T00:05:00Z' }, { manager: 'b' }, { manager: 'c', time: '2026-01-01T00:02:00Z' }],
    },
  }), Date.parse('2026-01-01T00:05:00Z'));
  assert.equal(lastWriteMs({ metadata: {} }), undefined);
});
