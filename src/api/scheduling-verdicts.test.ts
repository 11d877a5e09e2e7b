import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFilterVerdicts, encodeFilterVerdicts, FILTER_VERDICTS_ANNOTATION } from './scheduling-verdicts.js';

test('nodes with the same plugin and reasons are grouped, sorted, and read back', () => {
  const text = encodeFilterVerdicts(4, [
    ['w-2', { plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'] }],
    ['cp-0', { plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint {role: cp}'] }],
    ['w-1', { plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'] }],
    ['w-3', { plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu', 'Insufficient memory'] }],
  ]);
  assert.deepEqual(decodeFilterVerdicts({ [FILTER_VERDICTS_ANNOTATION]: text }), {
    nodeCount: 4,
    rejected: [
      { plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'], nodes: ['w-1', 'w-2'] },
      { plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu', 'Insufficient memory'], nodes: ['w-3'] },
      { plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint {role: cp}'], nodes: ['cp-0'] },
    ],
  });
});

test('a group names at most 50 nodes and counts the rest', () => {
  const many = Array.from({ length: 60 }, (_, i): [string, { plugin: string; reasons: string[] }] => [`n-${String(i).padStart(2, '0')}`, { plugin: 'NodeAffinity', reasons: ['x'] }]);
  const [group] = decodeFilterVerdicts({ [FILTER_VERDICTS_ANNOTATION]: encodeFilterVerdicts(60, many) })!.rejected;
  assert.equal(group.nodes.length, 50);
  assert.equal(group.more, 10);
});

test('an absent or foreign annotation reads as nothing', () => {
  assert.equal(decodeFilterVerdicts(undefined), undefined);
  assert.equal(decodeFilterVerdicts({ [FILTER_VERDICTS_ANNOTATION]: 'not json' }), undefined);
  assert.equal(decodeFilterVerdicts({ [FILTER_VERDICTS_ANNOTATION]: '{"a":1}' }), undefined);
});
