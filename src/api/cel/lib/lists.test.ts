import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../program.js';
import { toJson } from '../values.js';

const run = (expr: string) => toJson(compile(expr, []).evaluate({}));

// Upstream's documented results (k8s.io/apiserver/pkg/cel/library/lists.go).
const cases: [string, unknown][] = [
  ['[1, 2, 3].isSorted()', true],
  ["['a', 'b', 'b', 'c'].isSorted()", true],
  ['[2.0, 1.0].isSorted()', false],
  ['[1].isSorted()', true],
  ['[].isSorted()', true],
  ['[1, 3].sum()', 4],
  ['[1.0, 3.0].sum()', 4],
  ['[].sum()', 0],
  ['[1, 3].min()', 1],
  ['[1].min()', 1],
  ["['d', 'a', 'b'].min()", 'a'],
  ['[1, 3].max()', 3],
  ['[1.5, 0.5].max()', 1.5],
  ['[1, 2, 2, 3].indexOf(2)', 1],
  ["['a', 'b', 'b', 'c'].indexOf('a')", 0],
  ['[1.0].indexOf(1.1)', -1],
  ['[].indexOf(1)', -1],
  ['[1, 2, 2, 3].lastIndexOf(2)', 2],
  ["['a', 'b', 'b', 'c'].lastIndexOf('b')", 2],
  ['[[1], [2], [1]].lastIndexOf([1])', 2],
  ['[1.0].lastIndexOf(1.1)', -1],
];

test('list library functions give upstream results', () => {
  for (const [expr, want] of cases) assert.deepEqual(run(expr), want, expr);
});

test('list library errors as upstream', () => {
  assert.throws(() => run('[].min()'), /min called on empty list/);
  assert.throws(() => run('[].max()'), /max called on empty list/);
  assert.throws(() => run("['a'].sum()"), /no such overload/);
  assert.throws(() => run("[1, 'a'].isSorted()"), /no such overload/);
});

test('sets extension', () => {
  assert.equal(run('sets.contains([1, 2, 3], [2, 3])'), true);
  assert.equal(run('sets.contains([1], [1, 2])'), false);
  assert.equal(run('sets.equivalent([1, 2], [2, 1, 1])'), true);
  assert.equal(run('sets.intersects([1, 2], [3, 2])'), true);
  assert.equal(run('sets.intersects([1], [2])'), false);
});
