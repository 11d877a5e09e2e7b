import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEALTHY, nodeConditions } from '../api/node-object.js';
import { newNode, nodeStatus } from './node-object.js';
import { DEFAULTS, parseLabels, parseTaints } from './options.js';
import { fallbackCidr, PodIpPool } from './pod-ips.js';
import { runningStatus, terminatedStatus, type PodObject } from './pod-status.js';

test('labels and taints parse as the flags document them', () => {
  assert.deepEqual(parseLabels('a=b, tier=gpu'), { a: 'b', tier: 'gpu' });
  assert.throws(() => parseLabels('novalue'));
  assert.deepEqual(parseTaints('dedicated=gpu:NoSchedule,spot:PreferNoSchedule'), [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'spot', effect: 'PreferNoSchedule' },
  ]);
  assert.throws(() => parseTaints('a=b:Sometimes'));
});

test('nodes carry hostname, os and zone labels spread round-robin, and the given taints', () => {
  const o = { ...DEFAULTS, namePrefix: 'n-', taints: parseTaints('x=y:NoExecute'), labels: { extra: '1' } };
  const nodes = [0, 1, 2, 3].map(i => newNode(o, i));
  assert.equal(nodes[1].metadata.name, 'n-1');
  assert.equal(nodes[1].metadata.labels!['kubernetes.io/hostname'], 'n-1');
  assert.deepEqual(nodes.map(n => n.metadata.labels!['topology.kubernetes.io/zone']), ['zone-a', 'zone-b', 'zone-c', 'zone-a']);
  assert.equal(nodes[0].metadata.labels!.extra, '1');
  assert.deepEqual(nodes[0].spec!.taints, [{ key: 'x', value: 'y', effect: 'NoExecute' }]);
  const status = nodeStatus(o, 'n-0', 0, nodeConditions(HEALTHY)) as { allocatable: Record<string, string>; conditions: { type: string; status: string }[] };
  assert.equal(status.allocatable.cpu, '4');
  assert.ok(status.conditions.some(c => c.type === 'Ready' && c.status === 'True'));
});

test('pod IPs come from the range, skip network and bridge addresses, and are reused after release', () => {
  const pool = PodIpPool.fromText('10.42.3.0/30');
  assert.equal(pool.allocate('a'), '10.42.3.2');
  assert.equal(pool.allocate('a'), '10.42.3.2');
  assert.equal(pool.allocate('b'), undefined);
  pool.release('a');
  assert.equal(pool.allocate('b'), '10.42.3.2');
  const fb = new PodIpPool(fallbackCidr(1));
  assert.equal(fb.allocate('x'), '100.64.1.2');
  fb.adopt('y', '100.64.1.3');
  assert.equal(fb.allocate('z'), '100.64.1.4');
});

test('running and completed statuses look like a kubelet wrote them', () => {
  const pod: PodObject = { metadata: { name: 'p', namespace: 'd', uid: 'u1' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } };
  const running = runningStatus(pod, '172.16.0.1', '10.42.0.2', '2025-01-01T00:00:00Z') as Record<string, any>;
  assert.equal(running.phase, 'Running');
  assert.equal(running.podIP, '10.42.0.2');
  assert.equal(running.containerStatuses[0].imageID.split('@')[0], 'docker.io/library/busybox');
  assert.match(running.containerStatuses[0].containerID, /^containerd:\/\/[0-9a-f]{64}$/);
  const done = terminatedStatus({ ...pod, status: running }, '2025-01-01T00:00:02Z', 0, 'Succeeded') as Record<string, any>;
  assert.equal(done.phase, 'Succeeded');
  assert.equal(done.containerStatuses[0].state.terminated.reason, 'Completed');
  assert.deepEqual(done.conditions.find((c: { type: string }) => c.type === 'Ready').reason, 'PodCompleted');
});
