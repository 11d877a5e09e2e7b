import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { deleteOptions, int64Param, listOptions } from './query.js';

const q = (s: string) => new URLSearchParams(s);
const badRequest = (message: string) => (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.message === message;

test('listOptions: resourceVersion must be a revision, as upstream\'s versioner parses it', () => {
  assert.equal(listOptions(q('resourceVersion=0')).resourceVersion, '0');
  assert.equal(listOptions(q('resourceVersion=18446744073709551615')).resourceVersion, '18446744073709551615');
  assert.equal(listOptions(q('resourceVersion=')).resourceVersion, undefined);
  for (const rv of ['abc', '-1', '1.5', ' 1', '1e3', '0x10']) {
    assert.throws(() => listOptions(q(`resourceVersion=${encodeURIComponent(rv)}`)),
      badRequest(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`), rv);
  }
  assert.throws(() => listOptions(q('resourceVersion=18446744073709551616')), badRequest('invalid resource version: resourceVersion: Invalid value: "18446744073709551616": strconv.ParseUint: parsing "18446744073709551616": value out of range'));
});

test('integer parameters: int64 as upstream\'s parameter codec reads them', () => {
  assert.equal(listOptions(q('limit=5')).limit, 5);
  assert.equal(listOptions(q('limit=0')).limit, undefined);
  assert.equal(listOptions(q('limit=-1')).limit, undefined, 'upstream lists everything');
  assert.equal(int64Param(q('timeoutSeconds=%2030%20'), 'timeoutSeconds'), 30);
  assert.equal(int64Param(q('timeoutSeconds='), 'timeoutSeconds'), undefined);
  assert.throws(() => listOptions(q('limit=abc')), badRequest('strconv.ParseInt: parsing "abc": invalid syntax'));
  assert.throws(() => int64Param(q('timeoutSeconds=1.5'), 'timeoutSeconds'), badRequest('strconv.ParseInt: parsing "1.5": invalid syntax'));
  assert.throws(() => int64Param(q('limit=9223372036854775808'), 'limit'), badRequest('strconv.ParseInt: parsing "9223372036854775808": value out of range'));
  assert.throws(() => deleteOptions(q('gracePeriodSeconds=soon'), undefined), badRequest('strconv.ParseInt: parsing "soon": invalid syntax'));
  assert.equal(deleteOptions(q('gracePeriodSeconds=30'), undefined).gracePeriodSeconds, 30);
});

test('other list and delete parameters keep their upstream errors', () => {
  assert.throws(() => listOptions(q('resourceVersionMatch=Newest')), (e: unknown) => e instanceof StatusError && e.code === 400);
  assert.throws(() => listOptions(q('labelSelector=a%20in%20')), (e: unknown) => e instanceof StatusError && e.code === 400);
  assert.throws(() => listOptions(q('fieldSelector=nonsense')), (e: unknown) => e instanceof StatusError && e.code === 400);
  assert.throws(() => deleteOptions(q('propagationPolicy=Sideways'), undefined), (e: unknown) => e instanceof StatusError && e.code === 400);
});
