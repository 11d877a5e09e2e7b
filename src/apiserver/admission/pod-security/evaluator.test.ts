import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodSpec } from '../../../api/types/generated.js';
import { evaluatePod, forbiddenDetail, forbiddenReason } from './evaluator.js';
import { LATEST, v1, type LevelVersion } from './policy.js';

const privilegedPod: PodSpec = { hostNetwork: true, containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] };
const restrictedPod: PodSpec = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};
const at = (level: LevelVersion['level'], version = LATEST): LevelVersion => ({ level, version });

test('privileged allows everything', () => {
  assert.equal(evaluatePod(at('privileged'), {}, privilegedPod).allowed, true);
});

test('restricted lists baseline violations first, then restricted ones, each in id order', () => {
  const r = evaluatePod(at('restricted'), {}, privilegedPod);
  assert.equal(forbiddenDetail(r),
    'host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true), ' +
    'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
    'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
    'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  assert.equal(forbiddenReason(r), 'host namespaces, privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile');
});

test('a pod that meets restricted passes every level', () => {
  for (const level of ['baseline', 'restricted'] as const) assert.equal(evaluatePod(at(level), {}, restrictedPod).allowed, true);
});

test('baseline does not ask restricted questions', () => {
  assert.equal(forbiddenDetail(evaluatePod(at('baseline'), {}, privilegedPod)), 'host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)');
});

test('restricted replaces the baseline checks it overrides', () => {
  const pod: PodSpec = { ...restrictedPod, volumes: [{ name: 'h', hostPath: { path: '/' } }] };
  assert.equal(forbiddenDetail(evaluatePod(at('restricted'), {}, pod)), 'restricted volume types (volume "h" uses restricted volume type "hostPath")');
  assert.equal(forbiddenDetail(evaluatePod(at('baseline'), {}, pod)), 'hostPath volumes (volume "h")');
});

test('versions pick the checks of their time; future versions evaluate as the newest', () => {
  const root: PodSpec = { ...restrictedPod, securityContext: { ...restrictedPod.securityContext, runAsUser: 0 } };
  assert.equal(evaluatePod(at('restricted', v1(22)), {}, root).allowed, true, 'runAsUser=0 is checked from v1.23');
  assert.equal(forbiddenReason(evaluatePod(at('restricted', v1(23)), {}, root)), 'runAsUser=0');
  const noDrop: PodSpec = { ...restrictedPod, containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false } }] };
  assert.equal(evaluatePod(at('restricted', v1(21)), {}, noDrop).allowed, true, 'drop ALL is required from v1.22');
  assert.equal(forbiddenReason(evaluatePod(at('restricted', v1(99)), {}, root)), 'runAsUser=0');
});
