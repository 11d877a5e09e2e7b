import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container } from '../api/types/generated.js';
import { containerHash } from './cri-config.js';
import { containerActions, containersToKill, oldSandboxActions, sandboxActions, type ContainerAction } from './pod-actions.js';
import type { ContainerRecord, PodRuntimeState, SandboxState } from './runtime-state.js';
import type { PodObject } from './types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let created = 0;

/** A container instance; later calls are newer. */
function rec(name: string, over: Partial<ContainerRecord> = {}): ContainerRecord {
  created++;
  return {
    id: `${name}-${created}`, sandboxId: 's1', name, attempt: 0, restartCount: 0, hash: '', state: 'CONTAINER_RUNNING',
    createdAt: T0 + created, startedAt: T0 + created, finishedAt: 0, exitCode: 0, reason: '', message: '', image: 'busybox', imageRef: '',
    logPath: '', annotations: {}, ...over,
  };
}

const exited = (name: string, exitCode: number, over: Partial<ContainerRecord> = {}) => rec(name, { state: 'CONTAINER_EXITED', exitCode, finishedAt: T0 + 100, ...over });
const sandbox = (id: string, state: SandboxState['state'], attempt = 0, createdAt = T0): SandboxState => ({ id, attempt, state, createdAt, ips: ['10.42.0.5'] });

function runtime(containers: ContainerRecord[], sandboxes: SandboxState[] = [sandbox('s1', 'SANDBOX_READY')]): PodRuntimeState {
  return { uid: 'u1', sandboxes, containers: [...containers].sort((a, b) => b.createdAt - a.createdAt) };
}

const app: Container = { name: 'app', image: 'busybox' };
const init: Container = { name: 'init', image: 'busybox' };
const sidecar: Container = { name: 'side', image: 'busybox', restartPolicy: 'Always' };

function pod(spec: Partial<PodObject['spec']> = {}, status?: PodObject['status']): PodObject {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [app], ...spec }, status };
}

/** Actions as `kind name[/attempt or record id]`, for compact tables. */
const show = (actions: ContainerAction[]) => actions.map(a => `${a.kind} ${a.container.name}${a.kind === 'start' ? `/${a.attempt}` : ` ${a.record.id}`}`);
const allStarted = () => true;

test('sandbox: kept when ready; created (attempt+1) after killing a dead one; a Never pod that ran is only killed', () => {
  const cases: { name: string; pod: PodObject; state: PodRuntimeState; want: ReturnType<typeof sandboxActions> }[] = [
    { name: 'ready', pod: pod(), state: runtime([], [sandbox('s1', 'SANDBOX_READY', 2)]), want: { killPod: false, createSandbox: false, attempt: 2 } },
    { name: 'none yet', pod: pod(), state: runtime([], []), want: { killPod: false, createSandbox: true, attempt: 0 } },
    { name: 'not ready', pod: pod(), state: runtime([rec('app')], [sandbox('s1', 'SANDBOX_NOTREADY', 1)]), want: { killPod: true, createSandbox: true, attempt: 2 } },
    { name: 'Never, ran', pod: pod({ restartPolicy: 'Never' }), state: runtime([exited('app', 0)], [sandbox('s1', 'SANDBOX_NOTREADY')]), want: { killPod: true, createSandbox: false, attempt: 1 } },
    { name: 'Never, nothing ran', pod: pod({ restartPolicy: 'Never' }), state: runtime([], [sandbox('s1', 'SANDBOX_NOTREADY')]), want: { killPod: true, createSandbox: true, attempt: 1 } },
  ];
  for (const c of cases) assert.deepEqual(sandboxActions(c.pod, c.state), c.want, c.name);
});

test('old sandboxes: ready ones stopped; removed once none of their containers is left', () => {
  const state = runtime([rec('app', { sandboxId: 's3' }), exited('app', 1, { sandboxId: 's2' })],
    [sandbox('s3', 'SANDBOX_READY', 2, T0 + 30), sandbox('s2', 'SANDBOX_READY', 1, T0 + 20), sandbox('s1', 'SANDBOX_NOTREADY', 0, T0 + 10)]);
  assert.deepEqual(oldSandboxActions(state), { stop: ['s2'], remove: ['s1'] });
  assert.deepEqual(oldSandboxActions(runtime([rec('app')])), { stop: [], remove: [] });
});

test('kills: failed liveness/startup probes (with the probe grace) and changed definitions', () => {
  const live: Container = { ...app, livenessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 5 } };
  const p = pod({ containers: [live, { name: 'web', image: 'nginx' }, { name: 'same', image: 'busybox' }], terminationGracePeriodSeconds: 40 });
  const a = rec('app');
  const web = rec('web', { hash: 'stale' });
  const same = rec('same', { hash: containerHash({ name: 'same', image: 'busybox' }) });
  const gone = exited('web', 1, { createdAt: T0 - 1, hash: 'stale' });
  const kills = containersToKill(p, runtime([a, web, same, gone]), id => (id === a.id ? 'liveness' : undefined));
  assert.deepEqual(kills.map(k => [k.record.id, k.message, k.graceSeconds]), [
    [web.id, 'Container web definition changed, will be restarted', 40],
    [a.id, 'Container app failed liveness probe, will be restarted', 5],
  ]);
  const startup: Container = { ...app, startupProbe: { exec: { command: ['true'] } } };
  assert.deepEqual(containersToKill(pod({ containers: [startup] }), runtime([a]), () => 'startup').map(k => [k.message, k.graceSeconds]),
    [['Container app failed startup probe, will be restarted', 30]]);
});

test('app containers by restartPolicy (table)', () => {
  const lastReported = { phase: 'Running', containerStatuses: [{ name: 'app', image: 'busybox', imageID: '', ready: false, restartCount: 3, lastState: { terminated: { exitCode: 1 } }, state: { waiting: { reason: 'ContainerCreating' } } }] };
  const cases: { name: string; pod: PodObject; containers: ContainerRecord[]; want: (ids: ContainerRecord[]) => string[] }[] = [
    { name: 'nothing yet', pod: pod(), containers: [], want: () => ['start app/0'] },
    { name: 'running', pod: pod(), containers: [rec('app')], want: () => [] },
    { name: 'created, not started', pod: pod(), containers: [rec('app', { state: 'CONTAINER_CREATED' })], want: ([r]) => [`startCreated app ${r.id}`] },
    { name: 'Always, exited 0', pod: pod(), containers: [exited('app', 0)], want: ([r]) => [`restart app ${r.id}`] },
    { name: 'OnFailure, exited 1', pod: pod({ restartPolicy: 'OnFailure' }), containers: [exited('app', 1)], want: ([r]) => [`restart app ${r.id}`] },
    { name: 'OnFailure, exited 0', pod: pod({ restartPolicy: 'OnFailure' }), containers: [exited('app', 0)], want: () => [] },
    { name: 'Never, exited 1', pod: pod({ restartPolicy: 'Never' }), containers: [exited('app', 1)], want: () => [] },
    { name: 'instance gone: count on from the status', pod: pod({}, lastReported), containers: [], want: () => ['start app/4'] },
  ];
  for (const c of cases) assert.deepEqual(show(containerActions(c.pod, runtime(c.containers), allStarted)), c.want(c.containers), c.name);
});

test('init containers one at a time, app containers only after them (table)', () => {
  const spec = { initContainers: [init, { ...init, name: 'init2' }], containers: [app] };
  const initialized = { conditions: [{ type: 'Initialized', status: 'True' }] };
  const cases: { name: string; pod: PodObject; containers: ContainerRecord[]; want: (ids: ContainerRecord[]) => string[] }[] = [
    { name: 'first init', pod: pod(spec), containers: [], want: () => ['start init/0'] },
    { name: 'first init running', pod: pod(spec), containers: [rec('init')], want: () => [] },
    { name: 'second after the first exited 0', pod: pod(spec), containers: [exited('init', 0)], want: () => ['start init2/0'] },
    { name: 'failed init restarts (Always)', pod: pod(spec), containers: [exited('init', 1)], want: ([r]) => [`restart init ${r.id}`] },
    { name: 'failed init, Never: nothing more', pod: pod({ ...spec, restartPolicy: 'Never' }), containers: [exited('init', 1)], want: () => [] },
    { name: 'created init is started', pod: pod(spec), containers: [rec('init', { state: 'CONTAINER_CREATED' })], want: ([r]) => [`startCreated init ${r.id}`] },
    { name: 'all done: apps', pod: pod(spec), containers: [exited('init', 0), exited('init2', 0)], want: () => ['start app/0'] },
    { name: 'done in an earlier sandbox: run again', pod: pod(spec), containers: [exited('init', 0, { sandboxId: 's0', restartCount: 2 })], want: () => ['start init/3'] },
    { name: 'initialized before, instances gone', pod: pod(spec, initialized), containers: [], want: () => ['start app/0'] },
  ];
  for (const c of cases) assert.deepEqual(show(containerActions(c.pod, runtime(c.containers), allStarted)), c.want(c.containers), c.name);
});

test('sidecars: started before the next init container, restarted whatever the policy', () => {
  const spec = { initContainers: [sidecar, init], containers: [app], restartPolicy: 'Never' };
  // The sidecar is the current step until it runs and has started.
  assert.deepEqual(show(containerActions(pod(spec), runtime([]), allStarted)), ['start side/0']);
  const running = rec('side');
  assert.deepEqual(show(containerActions(pod(spec), runtime([running]), () => false)), []);
  assert.deepEqual(show(containerActions(pod(spec), runtime([running]), allStarted)), ['start init/0']);
  // A sidecar that died while the app runs is restarted, before anything else.
  const dead = exited('side', 137);
  assert.deepEqual(show(containerActions(pod(spec, { conditions: [{ type: 'Initialized', status: 'True' }] }), runtime([dead, exited('init', 0), rec('app')]), allStarted)),
    [`restart side ${dead.id}`]);
  // An exited sidecar that is the current step is restarted too.
  const early = exited('side', 1);
  assert.deepEqual(show(containerActions(pod(spec), runtime([early]), allStarted)), [`restart side ${early.id}`]);
});
