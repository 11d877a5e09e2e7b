import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFilterVerdicts, FILTER_VERDICTS_ANNOTATION } from '../../api/scheduling-verdicts.js';
import type { Node, Pod } from '../../api/types/generated.js';
import type { Event } from './common.js';
import { explainPod, podVerdict } from './pod.js';

const base = (over: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', ...over.metadata },
  spec: { containers: [{ name: 'app', image: 'nginx' }], ...over.spec },
  status: { phase: 'Pending', ...over.status },
});

const event = (reason: string, message: string, over: Partial<Event> = {}): Event => ({
  metadata: { name: `e-${reason}`, namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', uid: 'u1' },
  reason, message, type: 'Warning', lastTimestamp: '2026-01-01T00:00:00Z', ...over,
});

const section = (e: ReturnType<typeof explainPod>, title: string) => e.sections.find(s => s.title === title)?.findings ?? [];

test('a pending pod: the scheduler\'s message and each node\'s verdict from the FailedScheduling event', () => {
  const message = '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn\'t match Pod\'s node affinity/selector, 1 node(s) had untolerated taint {dedicated: infra}.';
  const verdicts = encodeFilterVerdicts(3, [
    ['w-0', { plugin: 'NodeAffinity', reasons: ["node(s) didn't match Pod's node affinity/selector"] }],
    ['w-1', { plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint {dedicated: infra}'] }],
    ['w-2', { plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'] }],
  ]);
  const pod = base({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] } });
  const e = explainPod(pod, { events: [event('FailedScheduling', message, { metadata: { name: 'x', annotations: { [FILTER_VERDICTS_ANNOTATION]: verdicts } } })], owners: [], ownerEvents: [] });
  assert.equal(e.summary, `Pending: not scheduled: ${message}`);
  assert.equal(e.severity, 'error');
  assert.deepEqual(section(e, 'Scheduling').map(f => [f.subject, f.text, f.detail]), [
    ['scheduler', message, undefined],
    ['node/w-0', "node(s) didn't match Pod's node affinity/selector", 'rejected by the NodeAffinity filter'],
    ['node/w-2', 'Insufficient cpu', 'rejected by the NodeResourcesFit filter'],
    ['node/w-1', 'node(s) had untolerated taint {dedicated: infra}', 'rejected by the TaintToleration filter'],
  ]);
});

test('nodes\' verdicts from an earlier attempt than the condition\'s say which attempt they come from', () => {
  const verdicts = encodeFilterVerdicts(1, [['w-0', { plugin: 'NodeUnschedulable', reasons: ['node(s) were unschedulable'] }]]);
  const pod = base({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' }] } });
  const old = event('FailedScheduling', '0/1 nodes are available: 1 node(s) were unschedulable.', { metadata: { name: 'x', annotations: { [FILTER_VERDICTS_ANNOTATION]: verdicts } } });
  const [, node] = section(explainPod(pod, { events: [old], owners: [], ownerEvents: [] }), 'Scheduling');
  assert.equal(node.detail, 'rejected by the NodeUnschedulable filter; from the attempt at 2026-01-01T00:00:00Z: 0/1 nodes are available: 1 node(s) were unschedulable.');
});

test('a pod no scheduler has looked at yet, and one held by scheduling gates', () => {
  const fresh = explainPod(base(), { events: [], owners: [], ownerEvents: [] });
  assert.equal(fresh.summary, 'Pending: not scheduled yet');
  assert.match(section(fresh, 'Scheduling')[0].text, /no scheduling attempt recorded yet \(schedulerName default-scheduler\)/);
  const gated = base({ spec: { containers: [{ name: 'app' }], schedulingGates: [{ name: 'example.com/wait' }] } });
  assert.equal(podVerdict(gated, []).text, 'Pending: scheduling gated by example.com/wait');
});

test('containers: a failing image pull, a crash loop with the last termination, a running container failing readiness', () => {
  const pod = base({
    spec: { nodeName: 'n1', containers: [{ name: 'pull' }, { name: 'crash' }, { name: 'slow' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
      containerStatuses: [
        { name: 'pull', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } },
        { name: 'crash', image: 'y', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-01-01T00:00:00Z' } } },
        { name: 'slow', image: 'z', imageID: '', ready: false, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } },
      ],
    },
  });
  const probe = event('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { involvedObject: { kind: 'Pod', name: 'web', uid: 'u1', fieldPath: 'spec.containers{slow}' } });
  const e = explainPod(pod, { events: [probe], owners: [], ownerEvents: [] });
  assert.equal(e.summary, 'Running: container pull is waiting: ImagePullBackOff (Back-off pulling image "x")');
  assert.deepEqual(section(e, 'Containers').map(f => [f.severity, f.subject, f.text]), [
    ['error', 'container/pull', 'waiting: ImagePullBackOff'],
    ['error', 'container/crash', 'waiting: CrashLoopBackOff'],
    ['warning', 'container/crash', 'last terminated: Error (exit code 1)'],
    ['warning', 'container/slow', 'running, not ready'],
  ]);
  assert.equal(section(e, 'Containers')[3].detail, 'Readiness probe failed: HTTP probe failed with statuscode: 503');
  const onlySlow = { ...pod, status: { ...pod.status, containerStatuses: pod.status!.containerStatuses!.slice(2) } };
  assert.equal(podVerdict(onlySlow, [probe]).text, 'Running, not ready: container slow not ready (Readiness probe failed: HTTP probe failed with statuscode: 503)');
});

test('the owner chain with the owner\'s quota denials, and a ready pod', () => {
  const ready = base({ spec: { nodeName: 'n1', containers: [{ name: 'app' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  const denial = event('FailedCreate', 'Error creating: pods "web-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1', { involvedObject: { kind: 'ReplicaSet', name: 'web-rs', uid: 'rs' } });
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-rs', uid: 'rs' } };
  const e = explainPod(ready, { events: [], owners: [{ ref: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs', uid: 'rs', controller: true }, object: rs }], ownerEvents: [denial] });
  assert.equal(e.summary, 'Running and ready on node n1');
  assert.deepEqual(section(e, 'Owners').map(f => [f.severity, f.subject, f.text]), [
    ['info', 'replicaset/web-rs', 'controlled by'],
    ['error', 'FailedCreate', denial.message],
  ]);
});

test('the bound node: Ready, not Ready with the kubelet\'s reason, or gone', () => {
  const pod = base({ spec: { nodeName: 'n1', containers: [{ name: 'app' }] }, status: { phase: 'Running' } });
  const scheduling = (node?: Node) => section(explainPod(pod, { events: [], owners: [], ownerEvents: [], node }), 'Scheduling');
  const node = (status: string, reason?: string, message?: string): Node => ({ metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status, reason, message }] } });
  assert.deepEqual(scheduling(node('True')).map(f => [f.severity, f.subject, f.text]), [['ok', 'node/n1', 'scheduled to this node, which is Ready']]);
  assert.deepEqual(scheduling(node('Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.')).map(f => [f.severity, f.text, f.detail]),
    [['error', 'scheduled to this node, which is not Ready (Ready=Unknown, NodeStatusUnknown)', 'Kubelet stopped posting node status.']]);
  assert.equal(scheduling(undefined)[0].text, 'scheduled to this node, which does not exist (any more)');
  const gated = { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "x" does not exist.' }] } };
  assert.equal(podVerdict(gated, []).text, 'Running, not ready: ReadinessGatesNotReady: corresponding condition of pod readiness gate "x" does not exist.');
});

test('terminating and finished pods', () => {
  assert.match(podVerdict(base({ metadata: { name: 'web', deletionTimestamp: '2026-01-01T00:00:00Z' } }), []).text, /^Terminating/);
  assert.equal(podVerdict(base({ status: { phase: 'Failed', reason: 'Evicted', message: 'low on memory' } }), []).text, 'Failed: Evicted: low on memory');
});
