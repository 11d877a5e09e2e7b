import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedCondition, findCondition, isTrue, removeCondition, setCondition, type ConditionLike } from './conditions.js';

type C = ConditionLike & { lastUpdateTime?: string };

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:05:00Z';

test('a new condition is appended with the given transition time, or now', () => {
  const list = setCondition([], { type: 'Ready', status: 'True', lastTransitionTime: T0 }, T1);
  assert.deepEqual(list, [{ type: 'Ready', status: 'True', lastTransitionTime: T0 }]);
  assert.equal(setCondition<C>(undefined, { type: 'Ready', status: 'True' }, T1)[0].lastTransitionTime, T1);
});

test('lastTransitionTime moves only when the status changes', () => {
  const prior: C[] = [{ type: 'Ready', status: 'False', reason: 'A', lastTransitionTime: T0 }];
  const sameStatus = setCondition(prior, { type: 'Ready', status: 'False', reason: 'B' }, T1);
  assert.deepEqual(sameStatus, [{ type: 'Ready', status: 'False', reason: 'B', lastTransitionTime: T0 }]);
  const flipped = setCondition(prior, { type: 'Ready', status: 'True', reason: 'B' }, T1);
  assert.deepEqual(flipped, [{ type: 'Ready', status: 'True', reason: 'B', lastTransitionTime: T1 }]);
});

test('a condition that differs only in its timestamps leaves the recorded one (no lastUpdateTime churn)', () => {
  const prior: C[] = [{ type: 'Available', status: 'True', reason: 'R', message: 'm', lastUpdateTime: T0, lastTransitionTime: T0 }];
  const again = setCondition(prior, { type: 'Available', status: 'True', reason: 'R', message: 'm', lastUpdateTime: T1, lastTransitionTime: T1 }, T1);
  assert.deepEqual(again, prior);
  assert.notEqual(again, prior, 'a copy, never the caller\'s list');
  const newMessage = setCondition(prior, { type: 'Available', status: 'True', reason: 'R', message: 'n', lastUpdateTime: T1, lastTransitionTime: T1 }, T1);
  assert.deepEqual(newMessage, [{ type: 'Available', status: 'True', reason: 'R', message: 'n', lastUpdateTime: T1, lastTransitionTime: T0 }]);
  const newGeneration = setCondition<C>([{ type: 'X', status: 'True', observedGeneration: 1, lastTransitionTime: T0 }], { type: 'X', status: 'True', observedGeneration: 2 }, T1);
  assert.equal(newGeneration[0].observedGeneration, 2);
});

test('a changed condition keeps its place among the others', () => {
  const prior: C[] = [{ type: 'A', status: 'True' }, { type: 'B', status: 'True' }];
  assert.deepEqual(setCondition(prior, { type: 'A', status: 'False' }, T1).map(c => c.type), ['A', 'B']);
});

test('find, isTrue and remove', () => {
  const list = [{ type: 'A', status: 'True' }, { type: 'B', status: 'False' }];
  assert.equal(findCondition(list, 'B')?.status, 'False');
  assert.equal(isTrue(list, 'A'), true);
  assert.equal(isTrue(list, 'B'), false);
  assert.equal(isTrue(undefined, 'A'), false);
  assert.deepEqual(removeCondition(list, 'A'), [{ type: 'B', status: 'False' }]);
  assert.equal(removeCondition([{ type: 'A', status: 'True' }], 'A'), undefined);
});

test('changedCondition: the condition to write, or undefined when only timestamps would change', () => {
  const prior: C[] = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'a', lastTransitionTime: T0 }];
  assert.equal(changedCondition(prior, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'a', lastTransitionTime: T1 }, T1), undefined);
  assert.deepEqual(changedCondition(prior, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'b' }, T1),
    { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'b', lastTransitionTime: T0 });
  assert.deepEqual(changedCondition(prior, { type: 'PodScheduled', status: 'True' }, T1), { type: 'PodScheduled', status: 'True', lastTransitionTime: T1 });
  assert.deepEqual(changedCondition<C>(undefined, { type: 'DisruptionTarget', status: 'True' }, T1), { type: 'DisruptionTarget', status: 'True', lastTransitionTime: T1 });
});
