import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainObject } from './generic.js';

test('any other kind: the unhealthy conditions make the summary; a missing owner is a warning', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n' }, status: { conditions: [
    { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' },
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
  ] } };
  const e = explainObject(node, { events: [], owners: [] });
  assert.equal(e.summary, 'Ready=False (KubeletNotReady): container runtime is down');
  assert.deepEqual(e.sections.map(s => s.title), ['Conditions']);
  assert.deepEqual(e.sections[0].findings.map(f => f.severity), ['warning', 'ok']);

  const orphan = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd', uid: 'c' } };
  const o = explainObject(orphan, { events: [], owners: [{ ref: { apiVersion: 'v1', kind: 'Pod', name: 'gone', uid: 'g' } }] });
  assert.equal(o.summary, 'No conditions and no warning events');
  assert.deepEqual(o.sections[0].findings.map(f => [f.severity, f.subject, f.text]), [['warning', 'pod/gone', 'owner not found']]);
});
