import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Waiting } from './container-statuses.js';
import { computePodStatus } from './pod-status.js';
import { statusChanged } from './pod-status-diff.js';
import type { ContainerRecord, PodRuntimeState, SandboxState } from './runtime-state.js';
import type { PodObject } from './types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function rec(name: string, over: Partial<ContainerRecord>): ContainerRecord {
  return {
    id: `${name}-${over.attempt ?? 0}`, sandboxId: 's1', name, attempt: 0, restartCount: over.attempt ?? 0, hash: '', state: 'CONTAINER_RUNNING',
    createdAt: T0, startedAt: T0 + 1000, finishedAt: 0, exitCode: 0, reason: '', message: '', image: 'busybox', imageRef: 'sha256:abc',
    logPath: '', annotations: {}, ...over,
  };
}

const sandbox: SandboxState = { id: 's1', attempt: 0, state: 'SANDBOX_READY', createdAt: T0, ips: ['10.244.0.5'] };

function pod(over: Partial<PodObject['spec']> = {}, status?: PodObject['status']): PodObject {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...over },
    status: status ?? { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  };
}

function compute(p: PodObject, containers: ContainerRecord[], opts: { ready?: boolean; waiting?: Map<string, Waiting>; sandboxes?: SandboxState[] } = {}) {
  const state: PodRuntimeState = { uid: 'u1', sandboxes: opts.sandboxes ?? [sandbox], containers: [...containers].sort((a, b) => b.createdAt - a.createdAt) };
  return computePodStatus({ pod: p, state, hostIPs: ['192.168.1.2'], ready: () => opts.ready ?? true, started: () => true, waiting: opts.waiting ?? new Map(), now: new Date(T0 + 5000) });
}

const cond = (s: ReturnType<typeof compute>, t: string) => s.conditions?.find(c => c.type === t);

test('a running ready pod: phase, conditions, IPs, container state', () => {
  const s = compute(pod(), [rec('app', {})]);
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.244.0.5');
  assert.deepEqual(s.hostIPs, [{ ip: '192.168.1.2' }]);
  for (const t of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) assert.equal(cond(s, t)?.status, 'True', t);
  const c = s.containerStatuses![0];
  assert.deepEqual(c.state, { running: { startedAt: '2026-01-01T00:00:01Z' } });
  assert.equal(c.containerID, 'containerd://app-0');
  assert.equal(c.ready, true);
  assert.equal(c.started, true);
  assert.equal(s.qosClass, 'BestEffort');
});

test('a pod without a recorded QoS class gets the one its spec gives, as upstream\'s kubelet writes it', () => {
  const limited = pod({ containers: [{ name: 'app', image: 'busybox', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }, { phase: 'Pending' });
  assert.equal(compute(limited, [rec('app', {})]).qosClass, 'Guaranteed');
});

test('not ready: ContainersNotReady with the container names', () => {
  const s = compute(pod(), [rec('app', {})], { ready: false });
  assert.deepEqual([cond(s, 'Ready')?.status, cond(s, 'Ready')?.reason, cond(s, 'Ready')?.message], ['False', 'ContainersNotReady', 'containers with unready status: [app]']);
});

test('CrashLoopBackOff: waiting with the reason, the last exit as lastState, restartCount', () => {
  const waiting = new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_default(u1)' }]]);
  const s = compute(pod(), [rec('app', { state: 'CONTAINER_EXITED', exitCode: 2, finishedAt: T0 + 2000, attempt: 1, createdAt: T0 + 10 }), rec('app', { state: 'CONTAINER_EXITED', exitCode: 2, finishedAt: T0 + 500 })], { waiting });
  const c = s.containerStatuses![0];
  assert.equal(c.state?.waiting?.reason, 'CrashLoopBackOff');
  assert.equal(c.lastState?.terminated?.exitCode, 2);
  assert.equal(c.lastState?.terminated?.reason, 'Error');
  assert.equal(c.lastState?.terminated?.containerID, 'containerd://app-1');
  assert.equal(c.restartCount, 1);
  assert.equal(s.phase, 'Running');
});

test('phases of run-to-completion pods follow restartPolicy', () => {
  const ok = rec('app', { state: 'CONTAINER_EXITED', exitCode: 0, finishedAt: T0 + 2000 });
  const bad = rec('app', { state: 'CONTAINER_EXITED', exitCode: 1, finishedAt: T0 + 2000, reason: 'OOMKilled' });
  assert.equal(compute(pod({ restartPolicy: 'Never' }), [ok]).phase, 'Succeeded');
  const failed = compute(pod({ restartPolicy: 'Never' }), [bad]);
  assert.equal(failed.phase, 'Failed');
  assert.equal(failed.containerStatuses![0].state?.terminated?.reason, 'OOMKilled');
  assert.equal(compute(pod({ restartPolicy: 'OnFailure' }), [bad]).phase, 'Running');
  const done = compute(pod({ restartPolicy: 'OnFailure' }), [ok]);
  assert.equal(done.phase, 'Succeeded');
  assert.equal(cond(done, 'Ready')?.reason, 'PodCompleted');
  assert.equal(cond(done, 'PodReadyToStartContainers')?.status, 'False');
});

test('init containers: Pending and PodInitializing until they complete; a failed one with Never fails the pod', () => {
  const spec = { initContainers: [{ name: 'init', image: 'busybox' }] };
  const running = compute(pod(spec), [rec('init', {})]);
  assert.equal(running.phase, 'Pending');
  assert.deepEqual([cond(running, 'Initialized')?.status, cond(running, 'Initialized')?.reason, cond(running, 'Initialized')?.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [init]']);
  assert.equal(running.containerStatuses![0].state?.waiting?.reason, 'PodInitializing');
  const done = compute(pod(spec), [rec('init', { state: 'CONTAINER_EXITED', exitCode: 0, finishedAt: T0 + 1 }), rec('app', { createdAt: T0 + 2 })]);
  assert.equal(done.phase, 'Running');
  assert.equal(done.initContainerStatuses![0].state?.terminated?.reason, 'Completed');
  assert.equal(cond(done, 'Initialized')?.status, 'True');
  const failed = compute(pod({ ...spec, restartPolicy: 'Never' }), [rec('init', { state: 'CONTAINER_EXITED', exitCode: 1, finishedAt: T0 + 1 })]);
  assert.equal(failed.phase, 'Failed');
});

test('no container yet: ContainerCreating, and the pod keeps its IP and transition times', () => {
  const first = compute(pod(), [], { sandboxes: [] });
  assert.equal(first.containerStatuses![0].state?.waiting?.reason, 'ContainerCreating');
  assert.equal(first.phase, 'Pending');
  assert.equal(cond(first, 'PodScheduled')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  const later = compute(pod({}, first), [rec('app', {})]);
  assert.equal(statusChanged(first, later), true);
  assert.equal(statusChanged(later, compute(pod({}, later), [rec('app', {})])), false);
});

test('conditions others own are kept; readiness gates hold Ready back until their condition is True', () => {
  const others = [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
    { type: 'example.com/lb', status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' },
  ];
  const gated = pod({ readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }, { phase: 'Running', conditions: others });
  const s = compute(gated, [rec('app', {})]);
  assert.deepEqual(s.conditions!.map(c => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'example.com/lb']);
  assert.equal(cond(s, 'ContainersReady')?.status, 'True');
  assert.deepEqual([cond(s, 'Ready')?.status, cond(s, 'Ready')?.reason, cond(s, 'Ready')?.message], ['False', 'ReadinessGatesNotReady',
    'the status of pod readiness gate "example.com/lb" is not "True", but False, corresponding condition of pod readiness gate "example.com/dns" does not exist.']);
  const open = compute(pod(gated.spec, { phase: 'Running', conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'True' }] }), [rec('app', {})]);
  assert.equal(cond(open, 'Ready')?.status, 'True');
});
