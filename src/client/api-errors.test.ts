import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlreadyExistsError, ConflictError, NotFoundError, StatusError } from '../api/errors.js';
import { ignoreAlreadyExists, ignoreNotFound } from './api-errors.js';

const target = { group: '', resource: 'pods', name: 'p' };

test('ignoreNotFound turns a 404 into undefined and passes other failures on', async () => {
  assert.equal(await ignoreNotFound(Promise.resolve(1)), 1);
  assert.equal(await ignoreNotFound(Promise.reject(new NotFoundError(target))), undefined);
  await assert.rejects(ignoreNotFound(Promise.reject(new ConflictError(target, 'stale'))), ConflictError);
  await assert.rejects(ignoreNotFound(Promise.reject(new Error('boom'))), /boom/);
});

test('ignoreAlreadyExists ignores a taken name but not a stale update', async () => {
  assert.equal(await ignoreAlreadyExists(Promise.reject(new AlreadyExistsError(target))), undefined);
  await assert.rejects(ignoreAlreadyExists(Promise.reject(new ConflictError(target, 'stale'))), StatusError);
});
