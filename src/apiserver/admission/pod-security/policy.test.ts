import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_PRIVILEGED, levelVersionString, policyToEvaluate, type Policy } from './policy.js';

const show = (p: Policy) => ({ enforce: levelVersionString(p.enforce), audit: levelVersionString(p.audit), warn: levelVersionString(p.warn) });
const evaluate = (labels: Record<string, string>) => {
  const { policy, errors } = policyToEvaluate(labels, ALL_PRIVILEGED);
  return { ...show(policy), errors: errors.map(e => e.toString()) };
};

test('no labels: the defaults (privileged:latest)', () => {
  assert.deepEqual(evaluate({}), { enforce: 'privileged:latest', audit: 'privileged:latest', warn: 'privileged:latest', errors: [] });
});

test('levels and versions from the labels; warn follows a stricter enforce', () => {
  assert.deepEqual(evaluate({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30', 'pod-security.kubernetes.io/audit': 'restricted' }),
    { enforce: 'baseline:v1.30', audit: 'restricted:latest', warn: 'baseline:v1.30', errors: [] });
  assert.deepEqual(evaluate({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.25' }),
    { enforce: 'restricted:latest', audit: 'privileged:latest', warn: 'restricted:v1.25', errors: [] });
  assert.deepEqual(evaluate({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'baseline' }),
    { enforce: 'restricted:latest', audit: 'privileged:latest', warn: 'baseline:latest', errors: [] });
});

test('bad values: enforce fails closed, audit and warn fail open, versions become latest, each with upstream\'s error', () => {
  assert.deepEqual(evaluate({
    'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/enforce-version': 'v2.0',
    'pod-security.kubernetes.io/audit': 'x', 'pod-security.kubernetes.io/warn': 'y', 'pod-security.kubernetes.io/warn-version': 'v1.01',
  }), {
    enforce: 'restricted:latest', audit: 'privileged:latest', warn: 'privileged:latest',
    errors: [
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "v2.0": must be "latest" or "v1.x"',
      'metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "x": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "y": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "v1.01": must be "latest" or "v1.x"',
    ],
  });
});
