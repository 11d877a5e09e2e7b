import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesNodeSelection, nodeSelectorTermMatches, tolerates } from './node-selection.js';

const node = { name: 'n1', labels: { zone: 'a', size: '8' } };

test('toleration matching follows upstream ToleratesTaint', () => {
  const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  assert.ok(tolerates({ key: taint.key, operator: 'Exists', effect: 'NoExecute' }, taint));
  assert.ok(tolerates({ operator: 'Exists' }, taint), 'empty key with Exists tolerates everything');
  assert.ok(!tolerates({ key: taint.key, operator: 'Exists', effect: 'NoSchedule' }, taint));
  assert.ok(tolerates({ key: 'k', value: 'v', effect: 'NoExecute' }, { key: 'k', value: 'v', effect: 'NoExecute' }), 'no operator means Equal');
  assert.ok(!tolerates({ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoExecute' }));
  assert.ok(!tolerates({ key: 'k', operator: 'Bogus' }, { key: 'k', effect: 'NoSchedule' }));
});

test('node selector terms: requirements ANDed, empty term matches nothing, matchFields only on metadata.name', () => {
  assert.ok(nodeSelectorTermMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, { key: 'size', operator: 'Gt', values: ['4'] }] }, node));
  assert.ok(!nodeSelectorTermMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'size', operator: 'Lt', values: ['4'] }] }, node));
  assert.ok(!nodeSelectorTermMatches({}, node));
  assert.ok(!nodeSelectorTermMatches({ matchExpressions: [{ key: 'size', operator: 'Gt', values: ['4', '5'] }] }, node), 'Gt takes exactly one value');
  assert.ok(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, node));
  assert.ok(!nodeSelectorTermMatches({ matchFields: [{ key: 'spec.podCIDR', operator: 'DoesNotExist' }] }, node));
  assert.ok(nodeSelectorTermMatches({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }, { key: 'zone', operator: 'NotIn', values: ['b'] }] }, node));
});

test('nodeSelector pairs and required affinity terms (ORed) must both hold', () => {
  const required = (terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
  assert.ok(matchesNodeSelection({}, node));
  assert.ok(matchesNodeSelection({ nodeSelector: { zone: 'a' } }, node));
  assert.ok(!matchesNodeSelection({ nodeSelector: { zone: 'a', gpu: 'yes' } }, node));
  assert.ok(matchesNodeSelection({ affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }]) }, node));
  assert.ok(!matchesNodeSelection({ nodeSelector: { zone: 'b' }, affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }]) }, node));
});
