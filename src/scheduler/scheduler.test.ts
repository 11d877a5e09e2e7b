import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Algorithm, numFeasibleNodesToFind, selectHost, unschedulableMessage } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { fitErrorMessage } from './fit-error.js';
import { CycleState, unresolvable } from './framework.js';
import { PodInfo } from './pod-info.js';
import { Profile } from './profile.js';
import { defaultProfile } from './profiles.js';
import { SchedulingQueue } from './queue.js';
import { podRequests } from '../api/pod-resources.js';
import { handle, node, pod } from './testing/fixtures.js';
import { pickCandidate, selectVictimsOnNode } from './plugins/default-preemption.js';
import type { Handle } from './framework.js';

function setup(nodes: ReturnType<typeof node>[], placed: [ReturnType<typeof pod>, string][] = []) {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.setNode(n);
  for (const [p, n] of placed) cache.setPod({ ...p, spec: { ...p.spec, nodeName: n } });
  const h: Handle = handle(cache);
  const profile = new Profile(defaultProfile(h, () => [], { schedulerName: 'default-scheduler' }));
  h.filter = (s, p, n) => profile.runFilter(s, p, n);
  return { cache, h, profile, algo: new Algorithm(h) };
}

function schedule(env: ReturnType<typeof setup>, p: ReturnType<typeof pod>) {
  return env.algo.schedule(env.profile, new CycleState(), new PodInfo(p));
}

test('selectHost: the highest score wins, ties are broken uniformly', () => {
  assert.equal(selectHost(new Float64Array([3, 9, 1])), 1);
  assert.equal(selectHost(new Float64Array([7])), 0);
  const picks = [0, 0, 0, 0, 0];
  for (let i = 0; i < 3000; i++) picks[selectHost(new Float64Array([1, 5, 5, 2, 5]))]++;
  assert.equal(picks[0] + picks[3], 0);
  for (const i of [1, 2, 4]) assert.ok(picks[i] > 850 && picks[i] < 1150, `index ${i} picked ${picks[i]} times of 3000`);
});

test('requests: containers summed, init containers as a floor, overhead added', () => {
  const p = pod('p', { cpu: '500m', memory: '1Gi' });
  p.spec.containers.push({ name: 'd', resources: { requests: { cpu: '250m' } } });
  p.spec.initContainers = [{ name: 'i', resources: { requests: { cpu: '2', memory: '100Mi' } } }];
  p.spec.overhead = { cpu: '100m' };
  const r = podRequests(p);
  assert.equal(r.get('cpu'), 2100);
  assert.equal(r.get('memory'), 2 ** 30);
});

test('adaptive sample size follows upstream: 50% - n/125, floors of 5% and 100 nodes', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(1000), 420);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(100_000), 5000);
});

test('queue: priority first, then age; failed pods back off 1s doubling to 10s', () => {
  let now = 1000;
  const q = new SchedulingQueue({
    less: (a, b) => a.info.priority > b.info.priority || (a.info.priority === b.info.priority && a.timestamp < b.timestamp),
    preEnqueue: p => !(p.spec?.schedulingGates?.length), interested: () => true, now: () => now,
  });
  q.add(pod('low', { priority: 1 }));
  now++;
  q.add(pod('high', { priority: 10 }));
  now++;
  q.add(pod('low2', { priority: 1 }));
  q.add(pod('gated', { schedulingGates: [{ name: 'x' }] }));
  assert.deepEqual([q.tryPop(), q.tryPop(), q.tryPop()].map(x => x?.info.pod.metadata.name), ['high', 'low', 'low2']);
  assert.equal(q.tryPop(), undefined);
  const first = q.lengths;
  assert.deepEqual([first.gated, first.unschedulable], [1, 0], 'the gated pod waits, counted as gated (scheduler_pending_pods{queue="gated"})');

  q.add(pod('b'));
  const b = q.tryPop()!;
  q.addBackoff(b);
  q.flushBackoff();
  assert.equal(q.tryPop(), undefined, 'still backing off');
  now += 1000;
  q.flushBackoff();
  const again = q.tryPop()!;
  assert.equal(again.info.key, 'default/b');
  q.addBackoff(again);
  now += 1000;
  q.flushBackoff();
  assert.equal(q.tryPop(), undefined, 'second failure waits 2s');
  now += 1000;
  q.flushBackoff();
  assert.equal(q.tryPop()?.info.key, 'default/b');

  // Ungating (an update without gates) moves the pod to activeQ.
  q.add(pod('gated'));
  assert.equal(q.tryPop()?.info.key, 'default/gated');
});

test('queue: an unschedulable pod waits for an event its rejecting plugin cares about', () => {
  const q = new SchedulingQueue({ less: () => false, preEnqueue: () => true, interested: (plugin, e) => plugin === 'NodeResourcesFit' && e.resource === 'Node' });
  q.add(pod('p'));
  const p = q.tryPop()!;
  q.addUnschedulable({ ...p, unschedulablePlugins: new Set(['NodeResourcesFit']) }, q.schedulingCycle);
  q.moveOnEvent({ resource: 'PriorityClass', action: 'Add', label: 'x' });
  assert.equal(q.lengths.unschedulable, 1);
  q.moveOnEvent({ resource: 'Node', action: 'Add', label: 'NodeAdd' });
  assert.equal(q.lengths.unschedulable, 0);
  assert.equal(q.lengths.active + q.lengths.backoff, 1);
});

test('FailedScheduling text: reasons counted per node and sorted as upstream prints them', () => {
  const env = setup([
    node('a', { cpu: '1' }), node('b', { cpu: '1' }),
    node('c', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    node('d', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    node('e', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
  ]);
  const r = schedule(env, pod('big', { cpu: '2' }));
  assert.equal(r.kind, 'unschedulable');
  if (r.kind !== 'unschedulable') return;
  assert.equal(unschedulableMessage(r), '0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.');
  const post = env.profile.plugins.find(p => p.postFilter)!.postFilter!(new CycleState(), new PodInfo(pod('big', { cpu: '2' })), r.diagnosis.statuses);
  r.diagnosis.postFilterMsg = post.message;
  assert.equal(unschedulableMessage(r),
    '0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' +
    'preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.');
  assert.equal(fitErrorMessage(3, { statuses: new Map(), preFilterMsg: 'x', unschedulablePlugins: new Set() }), '0/3 nodes are available: x.');
  assert.equal(fitErrorMessage(3, { statuses: new Map([['a', unresolvable('r')]]), postFilterMsg: 'preemption: not eligible due to preemptionPolicy=Never.', unschedulablePlugins: new Set() }),
    '0/3 nodes are available: 1 r. preemption: not eligible due to preemptionPolicy=Never.');
});

test('filters: node selector, required affinity, tolerations, cordon, host ports, pod count', () => {
  const env = setup([
    node('gpu', { labels: { accel: 'gpu' } }), node('plain'),
    node('tainted', { labels: { accel: 'gpu' }, taints: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }] }),
    node('cordoned', { labels: { accel: 'gpu' }, unschedulable: true }),
  ], [[{ ...pod('web', { labels: { app: 'web' } }), spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] } }, 'gpu']]);
  const names = (p: ReturnType<typeof pod>) => {
    const r = schedule(env, p);
    return r.kind === 'scheduled' ? r.node : (r as { kind: string }).kind;
  };
  assert.equal(names(pod('a', { nodeSelector: { accel: 'gpu' } })), 'gpu');
  const tolerant = pod('b', { nodeSelector: { accel: 'gpu' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' }] });
  const withPort = { ...tolerant, spec: { ...tolerant.spec, containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] } };
  assert.equal(names(withPort), 'tainted', 'port taken on gpu, cordoned excluded, taint tolerated');
  const affinity = pod('c', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'accel', operator: 'DoesNotExist' }] }] } } } });
  assert.equal(names(affinity), 'plain');
  const full = setup([node('tiny', { pods: '1' })], [[pod('x'), 'tiny']]);
  const r = schedule(full, pod('y'));
  assert.ok(r.kind === 'unschedulable' && unschedulableMessage(r) === '0/1 nodes are available: 1 Too many pods.');
});

test('inter-pod affinity and anti-affinity follow topology domains', () => {
  const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
  const env = setup([node('a1', { labels: zone('a') }), node('a2', { labels: zone('a') }), node('b1', { labels: zone('b') })],
    [[pod('db', { labels: { app: 'db' } }), 'a1']]);
  const term = { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' };
  for (let i = 0; i < 5; i++) {
    const r = schedule(env, pod(`near${i}`, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }));
    assert.ok(r.kind === 'scheduled' && (r.node === 'a1' || r.node === 'a2'));
    const far = schedule(env, pod(`far${i}`, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }));
    assert.ok(far.kind === 'scheduled' && far.node === 'b1');
  }
  // An existing pod's anti-affinity keeps matching pods out of its host.
  const lonely = pod('lonely', { labels: { app: 'x' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'y' } }, topologyKey: 'kubernetes.io/hostname' }] } } });
  const env2 = setup([node('n1'), node('n2')], [[lonely, 'n1']]);
  for (let i = 0; i < 5; i++) {
    const r = schedule(env2, pod(`y${i}`, { labels: { app: 'y' } }));
    assert.ok(r.kind === 'scheduled' && r.node === 'n2');
  }
});

test('topology spread: DoNotSchedule keeps the skew within maxSkew', () => {
  const env = setup(['a', 'b'].flatMap(z => [node(`${z}1`, { labels: { 'topology.kubernetes.io/zone': z } })]));
  const spread = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 's' } } }];
  const counts = new Map<string, number>();
  for (let i = 0; i < 6; i++) {
    const p = pod(`s${i}`, { labels: { app: 's' }, topologySpreadConstraints: spread });
    const r = schedule(env, p);
    assert.equal(r.kind, 'scheduled');
    if (r.kind !== 'scheduled') return;
    env.cache.assume(new PodInfo(p), r.node);
    counts.set(r.node, (counts.get(r.node) ?? 0) + 1);
  }
  assert.deepEqual([...counts.values()], [3, 3]);
});

test('scoring spreads best-effort pods (LeastAllocated) and breaks ties evenly', () => {
  const env = setup([node('n1'), node('n2'), node('n3')]);
  const counts = new Map<string, number>();
  for (let i = 0; i < 30; i++) {
    const p = pod(`p${i}`);
    const r = schedule(env, p);
    if (r.kind !== 'scheduled') return assert.fail('unschedulable');
    env.cache.assume(new PodInfo(p), r.node);
    counts.set(r.node, (counts.get(r.node) ?? 0) + 1);
  }
  assert.deepEqual([...counts.values()].sort(), [10, 10, 10]);
});

test('preemption: evicts the fewest, least important lower-priority pods; PDBs respected when possible', () => {
  const env = setup([node('n1', { cpu: '2' }), node('n2', { cpu: '2' })], [
    [pod('v-low', { cpu: '1', priority: 1 }), 'n1'], [pod('v-mid', { cpu: '1', priority: 5 }), 'n1'],
    [pod('w-low', { cpu: '1', priority: 1, labels: { app: 'guarded' } }), 'n2'], [pod('w-high', { cpu: '1', priority: 50 }), 'n2'],
  ]);
  const preemptor = new PodInfo(pod('vip', { cpu: '1', priority: 10 }));
  const s = new CycleState();
  // Preemption reuses the cycle's state, PreFilter included.
  assert.equal(env.profile.runPreFilter(s, preemptor, env.cache.nodeList()), null);
  const n1 = selectVictimsOnNode(env.h, s, preemptor, env.cache.nodes.get('n1')!, []);
  assert.ok('victims' in n1 && n1.victims.map(v => v.pod.metadata.name).join() === 'v-low');
  const budgets = [{ namespace: 'default', selector: { matches: (l: Record<string, string> | undefined) => l?.app === 'guarded' } as never, disruptionsAllowed: 0 }];
  const n2 = selectVictimsOnNode(env.h, s, preemptor, env.cache.nodes.get('n2')!, budgets);
  assert.ok('victims' in n2 && n2.pdbViolations === 1);
  assert.equal(pickCandidate([n2 as never, n1 as never]).node, 'n1');
  const none = selectVictimsOnNode(env.h, s, new PodInfo(pod('peer', { cpu: '1', priority: 1 })), env.cache.nodes.get('n1')!, []);
  assert.ok(!('victims' in none));
});
