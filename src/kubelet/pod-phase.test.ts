import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatus } from '../api/types/generated.js';
import { podPhase } from './pod-phase.js';
import type { PodObject } from './types.js';

const pod = (restartPolicy?: string): PodObject => ({ metadata: { name: 'p' }, spec: { containers: [], ...(restartPolicy ? { restartPolicy } : {}) } });
const base = { image: 'i', imageID: '', ready: false, restartCount: 0 };
const waiting: ContainerStatus = { ...base, name: 'w', state: { waiting: { reason: 'ContainerCreating' } } };
const running: ContainerStatus = { ...base, name: 'r', state: { running: {} } };
const exited = (exitCode: number): ContainerStatus => ({ ...base, name: `e${exitCode}`, state: { terminated: { exitCode } } });
const backingOff = (exitCode: number): ContainerStatus => ({ ...base, name: 'b', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode } } });

test('phase by restartPolicy and container states, as upstream getPhase (table)', () => {
  const cases: [string, string | undefined, ContainerStatus[], boolean, boolean, string][] = [
    ['init not done', undefined, [running], false, false, 'Pending'],
    ['init failed, Never', 'Never', [], false, true, 'Failed'],
    ['init failed, Always: retried', 'Always', [], false, true, 'Pending'],
    ['one waiting', 'Always', [running, waiting], true, false, 'Pending'],
    ['running', 'Always', [running, exited(0)], true, false, 'Running'],
    ['all exited, Always', 'Always', [exited(0)], true, false, 'Running'],
    ['all exited 0, Never', 'Never', [exited(0), exited(0)], true, false, 'Succeeded'],
    ['one exited 1, Never', 'Never', [exited(0), exited(1)], true, false, 'Failed'],
    ['one exited 1, OnFailure', 'OnFailure', [exited(1)], true, false, 'Running'],
    ['all exited 0, OnFailure', 'OnFailure', [exited(0)], true, false, 'Succeeded'],
    ['backing off counts as stopped', 'OnFailure', [backingOff(1)], true, false, 'Running'],
    ['no containers', 'Always', [], true, false, 'Pending'],
  ];
  for (const [name, policy, statuses, initDone, initFailed, want] of cases) assert.equal(podPhase(pod(policy), statuses, initDone, initFailed), want, name);
});
