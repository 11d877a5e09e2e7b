import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attemptFiles, attemptsIn, containerKey, logGarbage, mayRemove, type FoundPodLogs, type LogOwners } from './log-gc-plan.js';

const found = (uid: string, containers: Record<string, number[]>): FoundPodLogs => ({ dir: `ns_p_${uid}`, uid, containers: new Map(Object.entries(containers)) });
const owners = (o: Partial<{ pods: string[]; sandboxes: string[]; containers: string[] }>): LogOwners => ({
  podExists: uid => (o.pods ?? []).includes(uid), sandboxes: new Set(o.sandboxes), containers: new Set(o.containers),
});

test('a deleted pod\'s directory is garbage once no sandbox of it is left', () => {
  assert.deepEqual(logGarbage([found('u1', { c: [0] })], owners({})), [{ kind: 'pod', dir: 'ns_p_u1', uid: 'u1' }]);
  // Still being torn down: its sandbox exists, its containers too.
  assert.deepEqual(logGarbage([found('u1', { c: [0] })], owners({ sandboxes: ['u1'], containers: [containerKey('u1', 'c', 0)] })), []);
});

test('an existing pod keeps its directory, also when it has finished', () => {
  assert.deepEqual(logGarbage([found('u1', { c: [0] })], owners({ pods: ['u1'], containers: [containerKey('u1', 'c', 0)] })), []);
});

test('the logs of removed containers are garbage, those of kept ones are not', () => {
  const garbage = logGarbage([found('u1', { app: [0, 1, 2], side: [0] })],
    owners({ pods: ['u1'], sandboxes: ['u1'], containers: [containerKey('u1', 'app', 1), containerKey('u1', 'app', 2), containerKey('u1', 'side', 0)] }));
  assert.deepEqual(garbage, [{ kind: 'container', dir: 'ns_p_u1', uid: 'u1', container: 'app', attempt: 0 }]);
});

test('garbage waits for the shipper, at most the bounded wait', () => {
  const policy = { waitForShipping: true, maxWaitMs: 60_000 };
  assert.equal(mayRemove(false, 1000, 1000, policy), false);
  assert.equal(mayRemove(false, 1000, 60_999, policy), false);
  assert.equal(mayRemove(false, 1000, 61_000, policy), true, 'the server stayed unreachable');
  assert.equal(mayRemove(true, 1000, 1000, policy), true, 'shipped to its end');
});

test('without shipping, garbage goes at once', () => {
  assert.equal(mayRemove(false, 1000, 1000, { waitForShipping: false, maxWaitMs: 60_000 }), true);
});

test('an attempt\'s files are its live log and its rotated ones, compressed or not', () => {
  const names = ['0.log', '0.log.20260101-000000', '0.log.20250101-000000.gz', '1.log', '10.log', '1.log.20260101-000000.gz.tmp'];
  assert.deepEqual(attemptFiles(names, 0), ['0.log', '0.log.20260101-000000', '0.log.20250101-000000.gz']);
  assert.deepEqual(attemptFiles(names, 1), ['1.log', '1.log.20260101-000000.gz.tmp']);
  assert.deepEqual(attemptsIn([...names, 'notes.txt']), [0, 1, 10]);
});
