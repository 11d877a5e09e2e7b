import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectionPath, R } from '../../client/resources.js';
import { FakeInformer, fakeContext } from './fake-context.js';
import { taintEvictionController } from './taint-eviction.js';
import type { Node, Pod } from './types.js';

const node: Node = {
  apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' },
  spec: { taints: [{ key: 'gone', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' }] },
};
const marked = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: '2024-01-01T00:00:01Z' };

function pod(name: string, conditions: NonNullable<Pod['status']>['conditions'] = []): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: `${name}-uid` }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] }, status: { phase: 'Running', conditions } };
}

test('an untolerated NoExecute taint marks the pod DisruptionTarget once, then deletes it', async () => {
  const ready = { type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' };
  const informers = new Map<string, FakeInformer>([
    [collectionPath(R.nodes), new FakeInformer().set(node)],
    [collectionPath(R.pods), new FakeInformer().set(pod('fresh', [ready]), pod('again', [ready, marked]))],
  ]);
  const h = fakeContext(informers);
  await taintEvictionController().reconcile('n1', h.ctx);
  const writes = h.calls.map(c => `${c.method} ${c.path}`);
  assert.deepEqual(writes, [
    'PATCH /api/v1/namespaces/ns/pods/fresh/status', 'DELETE /api/v1/namespaces/ns/pods/fresh',
    'DELETE /api/v1/namespaces/ns/pods/again',
  ], 'a pod marked by an earlier attempt gets no second status write');
  const [{ lastTransitionTime, ...condition }] = (h.calls[0].body as { status: { conditions: typeof marked[] } }).status.conditions;
  assert.deepEqual(condition, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
  assert.ok(lastTransitionTime, 'stamped when it first becomes True');
  assert.equal((h.calls[0].body as { status: { conditions: unknown[] } }).status.conditions.length, 1, 'only the condition it sets: the kubelet\'s stay as they are');
});
