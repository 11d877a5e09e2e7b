import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantities, compareQuantityText, formatMilli, milliValue, parseMilli, parseQuantity, QuantityParseError, quantityError, scaledValue } from './quantity.js';

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

test('quantities parse to milli-units and print canonically', () => {
  assert.equal(parseMilli('500m'), 500n);
  assert.equal(parseMilli('2'), 2000n);
  assert.equal(parseMilli('1.5'), 1500n);
  assert.equal(parseMilli('128Mi'), 128n * 1024n * 1024n * 1000n);
  assert.equal(parseMilli('1G'), 1_000_000_000_000n);
  assert.equal(parseMilli('2e3'), 2_000_000n);
  assert.equal(parseMilli('1n'), 1n); // rounded up to a milli
  assert.throws(() => parseMilli('12x'), QuantityParseError);
  assert.equal(formatMilli(0n), '0');
  assert.equal(formatMilli(500n), '500m');
  assert.equal(formatMilli(2000n), '2');
  assert.equal(formatMilli(parseMilli('128Mi') * 2n), '256Mi');
  assert.equal(formatMilli(parseMilli('1Gi') + parseMilli('1Gi')), '2Gi');
  assert.equal(formatMilli(parseMilli('100M') * 2n), '200M');
  assert.equal(formatMilli(parseMilli('1500m')), '1500m');
  assert.equal(formatMilli(parseMilli('1000Ki')), '1000Ki');
  assert.equal(formatMilli(parseMilli('3M')), '3M', 'SI when 1024 does not divide it');
});

test('quantities with huge exponents are compared and scaled without building giant numbers', () => {
  const huge = parseQuantity('1e100000000');
  const tiny = parseQuantity('1e-100000000');
  assert.equal(compareQuantities(huge, parseQuantity('1')), 1);
  assert.equal(compareQuantities(parseQuantity('-1e100000000'), parseQuantity('1')), -1);
  assert.equal(compareQuantities(tiny, parseQuantity('1n')), 0, 'rounded up to 1n as upstream');
  assert.ok(milliValue(huge) > 2n ** 63n, 'saturates far beyond int64');
  assert.equal(scaledValue(parseQuantity('5'), 100000000), 1n, 'a positive value rounds up');
  assert.equal(scaledValue(parseQuantity('-5'), 100000000), 0n);
  assert.equal(milliValue(parseQuantity('1.5')), 1500n);
});
