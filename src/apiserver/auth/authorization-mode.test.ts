import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizationModeError, parseAuthorizationModes } from './authorization-mode.js';

test('--authorization-mode: known modes, each once, in order', () => {
  assert.deepEqual(parseAuthorizationModes('RBAC'), ['RBAC']);
  assert.deepEqual(parseAuthorizationModes('AlwaysDeny,RBAC'), ['AlwaysDeny', 'RBAC']);
  assert.throws(() => parseAuthorizationModes('ABAC'), (e: Error) => e instanceof AuthorizationModeError && /authorization-mode "ABAC" is not a valid mode/.test(e.message));
  assert.throws(() => parseAuthorizationModes('RBAC,RBAC'), /authorization-mode "RBAC" has mode specified more than once/);
  assert.throws(() => parseAuthorizationModes(''), /at least one authorization-mode must be passed/);
});
