import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantityText, milliValue, parseQuantity, quantityError, scaledValue } from './quantity.js';

test('parses suffixes exactly', () => {
  assert.equal(milliValue(parseQuantity('500m')), 500n);
  assert.equal(milliValue(parseQuantity('1.5')), 1500n);
  assert.equal(scaledValue(parseQuantity('1Gi')), 1073741824n);
  assert.equal(scaledValue(parseQuantity('1.5Ki')), 1536n);
  assert.equal(scaledValue(parseQuantity('2e3')), 2000n);
  assert.equal(scaledValue(parseQuantity('1k')), 1000n);
  assert.equal(scaledValue(parseQuantity(4)), 4n);
  assert.equal(milliValue(parseQuantity('0.0001')), 1n, 'rounds up');
  assert.equal(scaledValue(parseQuantity('-1')), -1n);
});

test('rejects malformed quantities with upstream messages', () => {
  assert.match(quantityError('abc')!, /^quantities must match the regular expression/);
  assert.match(quantityError('1 Gi')!, /^quantities must match/);
  assert.equal(quantityError('1Qi'), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  assert.equal(quantityError('1kk'), "unable to parse quantity's suffix");
  assert.equal(quantityError('100Mi'), undefined);
});

test('compares across formats', () => {
  assert.equal(compareQuantityText('1', '1000m'), 0);
  assert.equal(compareQuantityText('1Gi', '1G'), 1);
  assert.equal(compareQuantityText('999Mi', '1Gi'), -1);
  assert.equal(compareQuantityText(2, '1500m'), 1);
});

test('prints canonical text like upstream', () => {
  const cases: [string | number, string][] = [
    ['0.5', '500m'], ['1000', '1k'], ['1500', '1500'], ['1.5Gi', '1536Mi'], ['1000Mi', '1000Mi'],
    ['1024', '1024'], ['512Ki', '512Ki'], ['100Ki', '100Ki'], ['0.5Ki', '512'], ['1e3', '1e3'], ['1.5e3', '1500'],
    ['0.0001', '1m'], ['0', '0'], ['2000m', '2'], [128974848, '128974848'], ['129e6', '129e6'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, String(input));
});
