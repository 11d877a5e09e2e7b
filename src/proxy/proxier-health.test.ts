import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProxierHealth } from './proxier-health.js';
import type { NodeObject } from './types.js';

const node = (o: Partial<NodeObject> = {}): NodeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, ...o }) as NodeObject;

test('healthy until a change waits longer than the timeout for its sync', () => {
  let now = 1_000_000;
  const h = new ProxierHealth(60_000, () => now);
  assert.equal(h.answer('/healthz', node()).code, 200, 'nothing pending');
  h.queued();
  now += 59_000;
  assert.equal(h.answer('/healthz', node()).code, 200);
  h.queued(); // a later change does not restart the clock
  now += 2_000;
  const stale = h.answer('/livez');
  assert.equal(stale.code, 503);
  h.synced();
  const ok = h.answer('/healthz', node());
  assert.equal(ok.code, 200);
  assert.deepEqual(JSON.parse(ok.body), { lastUpdated: new Date(now).toISOString(), currentTime: new Date(now).toISOString(), nodeEligible: true });
});

test('a node being deleted or marked for deletion is not eligible: /healthz 503, /livez still 200', () => {
  const h = new ProxierHealth(60_000);
  const deleting = node({ metadata: { name: 'n1', deletionTimestamp: '2026-01-01T00:00:00Z' } });
  const tainted = node({ spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }] } });
  for (const n of [deleting, tainted, undefined]) {
    const r = h.answer('/healthz', n);
    assert.equal(r.code, 503);
    assert.equal(JSON.parse(r.body).nodeEligible, false);
  }
  const live = h.answer('/livez', deleting);
  assert.equal(live.code, 200);
  assert.equal('nodeEligible' in JSON.parse(live.body), false);
});
