// Priority admission end to end with the real kubectl: the system PriorityClasses exist from the
// start, a new pod's spec.priority and preemptionPolicy come from its class (or the global
// default, or 0), and the cases upstream forbids answer 403 with upstream's message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestCluster, eventually } from './harness.js';

interface PodLike { spec: { priority?: number; priorityClassName?: string; preemptionPolicy?: string } }

const pod = (name: string, spec: Record<string, unknown> = {}) => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { containers: [{ name: 'c', image: 'k8ts.local/busybox:1' }], ...spec },
});
const priorityClass = (name: string, value: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });

describe('priority admission with kubectl', () => {
  let c: TestCluster;

  before(async () => {
    c = await TestCluster.start();
    // The controllers create the namespace's default ServiceAccount new pods need.
    await eventually(async () => (await c.kubectl(['get', 'serviceaccount', 'default'])).code === 0, 20_000, 'default ServiceAccount');
  });

  after(async () => {
    await c?.stop();
  });

  const created = async (name: string, spec?: Record<string, unknown>) => {
    await c.k(['create', '-f', '-'], pod(name, spec));
    return JSON.parse(await c.k(['get', 'pod', name, '-o', 'json'])) as PodLike;
  };

  test('the system classes exist from the start', async () => {
    const out = await c.k(['get', 'priorityclasses']);
    assert.match(out, /system-cluster-critical\s+2000000000\s+false\s+\S+\s+PreemptLowerPriority/);
    assert.match(out, /system-node-critical\s+2000001000\s+false\s+\S+\s+PreemptLowerPriority/);
    const critical = await created('critical', { priorityClassName: 'system-cluster-critical' });
    assert.equal(critical.spec.priority, 2000000000);
  });

  test('a pod without a class gets priority 0 and PreemptLowerPriority', async () => {
    const p = await created('plain');
    assert.equal(p.spec.priority, 0);
    assert.equal(p.spec.preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(p.spec.priorityClassName, undefined);
  });

  test("a named class gives its value and preemption policy; contradicting them is forbidden", async () => {
    await c.k(['create', '-f', '-'], priorityClass('batch-low', 100, { preemptionPolicy: 'Never' }));
    const p = await created('batch', { priorityClassName: 'batch-low' });
    assert.equal(p.spec.priority, 100);
    assert.equal(p.spec.preemptionPolicy, 'Never');

    const unknown = await c.kubectl(['create', '-f', '-'], pod('lost', { priorityClassName: 'nope' }));
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /Error from server \(Forbidden\).*pods "lost" is forbidden: no PriorityClass with name nope was found/);

    const wrong = await c.kubectl(['create', '-f', '-'], pod('wrong', { priorityClassName: 'batch-low', priority: 5 }));
    assert.match(wrong.stderr, /pods "wrong" is forbidden: the integer value of priority \(5\) must not be provided in pod spec; priority admission controller computed 100 from the given PriorityClass name/);
    const policy = await c.kubectl(['create', '-f', '-'], pod('policy', { priorityClassName: 'batch-low', preemptionPolicy: 'PreemptLowerPriority' }));
    assert.match(policy.stderr, /the string value of PreemptionPolicy \(PreemptLowerPriority\) must not be provided in pod spec; priority admission controller computed Never/);
    // The same value as the class's is accepted, as upstream.
    assert.equal((await created('same', { priorityClassName: 'batch-low', priority: 100 })).spec.priority, 100);
  });

  test('the global default class applies to pods without one, and only one default may exist', async () => {
    await c.k(['create', '-f', '-'], priorityClass('everyday', 7, { globalDefault: true }));
    const p = await created('defaulted');
    assert.equal(p.spec.priorityClassName, 'everyday');
    assert.equal(p.spec.priority, 7);

    const second = await c.kubectl(['create', '-f', '-'], priorityClass('another', 8, { globalDefault: true }));
    assert.match(second.stderr, /Error from server \(Forbidden\).*priorityclasses.scheduling.k8s.io "another" is forbidden: PriorityClass everyday is already marked as default. Only one default can exist/);
    // Updating the default itself is fine.
    await c.k(['label', 'priorityclass', 'everyday', 'tier=base']);
  });

  test('a replace that leaves priority out keeps it', async () => {
    const live = JSON.parse(await c.k(['get', 'pod', 'batch', '-o', 'json']));
    delete live.spec.priority;
    delete live.spec.preemptionPolicy;
    live.metadata.labels = { replaced: 'yes' };
    await c.k(['replace', '-f', '-'], JSON.stringify(live));
    const p = JSON.parse(await c.k(['get', 'pod', 'batch', '-o', 'json'])) as PodLike;
    assert.equal(p.spec.priority, 100);
    assert.equal(p.spec.preemptionPolicy, 'Never');
  });
});
