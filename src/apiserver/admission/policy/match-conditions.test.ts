import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCelInput } from '../../../api/cel/index.js';
import { compileMatchConditions, evaluateMatchConditions } from './match-conditions.js';

const vars = ['object', 'oldObject', 'request', 'authorizer'];
const run = (conditions: { name: string; expression: string }[], object: object) =>
  evaluateMatchConditions(compileMatchConditions(conditions, vars), { object: toCelInput(object), oldObject: null, request: toCelInput({}) });

test('all true matches; any false does not, even beside errors', () => {
  assert.deepEqual(run([{ name: 'a', expression: 'object.x == 1' }, { name: 'b', expression: 'true' }], { x: 1 }), { matches: true });
  assert.deepEqual(run([{ name: 'err', expression: 'object.nosuch == 1' }, { name: 'no', expression: 'object.x == 2' }], { x: 1 }), { matches: false, failedCondition: 'no' });
  assert.deepEqual(run([], {}), { matches: true });
});

test('errors without a false condition are reported as upstream words them', () => {
  assert.deepEqual(run([{ name: 'err', expression: 'object.nosuch == 1' }], { x: 1 }), { matches: false, error: "expression 'object.nosuch == 1' resulted in error: no such key: nosuch" });
  assert.deepEqual(run([{ name: 'e1', expression: 'object.a' }, { name: 'e2', expression: 'object.b' }], { x: 1 }), {
    matches: false, error: "[expression 'object.a' resulted in error: no such key: a, expression 'object.b' resulted in error: no such key: b]",
  });
});
