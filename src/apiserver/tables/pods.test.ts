import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row, table } from './testing.js';
import type { Obj } from './types.js';

function pod(spec: Obj, status: Obj, meta: Obj = {}): Obj {
  return { metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(600), ...meta }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec }, status };
}

const running = (extra: Obj = {}) => ({ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: ago(500) } }, ...extra });

test('pod columns match upstream, wide columns at priority 1', () => {
  assert.deepEqual(columns('', 'pods'), [
    'Name:string:name:0', 'Ready:string::0', 'Status:string::0', 'Restarts:string::0', 'Age:string::0',
    'IP:string::1', 'Node:string::1', 'Nominated Node:string::1', 'Readiness Gates:string::1',
  ]);
});

test('running pod: ready count, age and wide cells', () => {
  const r = row('', 'pods', pod(
    { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/lb' }] },
    { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: [running()],
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'example.com/lb', status: 'False' }] },
  ));
  assert.deepEqual(r, {
    Name: 'p', Ready: '1/1', Status: 'Running', Restarts: '0', Age: '10m',
    IP: '10.0.0.5', Node: 'node-1', 'Nominated Node': '<none>', 'Readiness Gates': '0/1',
  });
});

test('pending pod without node shows <none> in the wide columns', () => {
  const r = row('', 'pods', pod({}, { phase: 'Pending', nominatedNodeName: 'node-2' }));
  assert.equal(r.Ready, '0/1');
  assert.equal(r.Status, 'Pending');
  assert.equal(r.IP, '<none>');
  assert.equal(r.Node, '<none>');
  assert.equal(r['Nominated Node'], 'node-2');
  assert.equal(r['Readiness Gates'], '<none>');
});

test('CrashLoopBackOff: waiting reason wins and restarts show the last restart age', () => {
  const r = row('', 'pods', pod({}, {
    phase: 'Running',
    containerStatuses: [{
      name: 'app', ready: false, restartCount: 5,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(300) } },
    }],
  }));
  assert.equal(r.Status, 'CrashLoopBackOff');
  assert.equal(r.Ready, '0/1');
  assert.equal(r.Restarts, '5 (5m ago)');
});

test('init containers: Init:0/1 while the first runs, Init:<reason> when one fails', () => {
  const spec = { initContainers: [{ name: 'setup', image: 'busybox' }] };
  const initRunning = row('', 'pods', pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [{ name: 'setup', ready: false, restartCount: 0, state: { running: { startedAt: ago(5) } } }],
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
  }));
  assert.equal(initRunning.Status, 'Init:0/1');
  assert.equal(initRunning.Ready, '0/1');

  const initFailed = row('', 'pods', pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [{ name: 'setup', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  }));
  assert.equal(initFailed.Status, 'Init:CrashLoopBackOff');
  assert.equal(initFailed.Restarts, '2');

  const initExit = row('', 'pods', pod(spec, {
    phase: 'Pending', initContainerStatuses: [{ name: 'setup', restartCount: 0, state: { terminated: { exitCode: 3 } } }],
  }));
  assert.equal(initExit.Status, 'Init:ExitCode:3');
});

test('sidecar init containers count as containers once started', () => {
  const r = row('', 'pods', pod(
    { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } } }],
      containerStatuses: [running()],
    },
  ));
  assert.equal(r.Ready, '2/2');
  assert.equal(r.Status, 'Running');
  assert.equal(r.Restarts, '1 (90s ago)');
});

test('Completed pod is marked with a Completed row condition', () => {
  const t = table('', 'pods', [pod({}, {
    phase: 'Succeeded',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
  })]);
  assert.equal(t.rows[0].cells[2], 'Completed');
  assert.equal(t.rows[0].cells[1], '0/1');
  assert.deepEqual(t.rows[0].conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
});

test('a completed container next to a running one reads Running or NotReady', () => {
  const status = (ready: boolean) => ({
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [running(), { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
  });
  const spec = { containers: [{ name: 'app' }, { name: 'job' }] };
  assert.equal(row('', 'pods', pod(spec, status(true))).Status, 'Running');
  assert.equal(row('', 'pods', pod(spec, status(false))).Status, 'NotReady');
});

test('deleting pods read Terminating, or Unknown when their node is lost; finished pods keep their phase', () => {
  const deleting = { deletionTimestamp: ago(10) };
  assert.equal(row('', 'pods', pod({}, { phase: 'Running', containerStatuses: [running()] }, deleting)).Status, 'Terminating');
  assert.equal(row('', 'pods', pod({}, { phase: 'Running', reason: 'NodeLost' }, deleting)).Status, 'Unknown');
  assert.equal(row('', 'pods', pod({}, { phase: 'Failed', reason: 'Evicted' }, deleting)).Status, 'Evicted');
});

test('a terminated container without a reason shows its exit code or signal', () => {
  const exit = row('', 'pods', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137 } } }] }));
  assert.equal(exit.Status, 'ExitCode:137');
  const signal = row('', 'pods', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 0, signal: 9 } } }] }));
  assert.equal(signal.Status, 'Signal:9');
});

test('SchedulingGated pods say so', () => {
  const r = row('', 'pods', pod({ schedulingGates: [{ name: 'g' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }));
  assert.equal(r.Status, 'SchedulingGated');
});
