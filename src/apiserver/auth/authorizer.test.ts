import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorizerChain, type Authorizer, type Decision } from './authorizer.js';

const fixed = (d: Decision): Authorizer => ({ authorize: () => d });
const user = { username: 'alice', groups: [] };
const request = { isResourceRequest: false as const, path: '/healthz', verb: 'get' };

test('the first authorizer with an opinion decides', async () => {
  const chain = authorizerChain([fixed({ allowed: false, reason: 'no relationship' }), fixed({ allowed: true }), fixed({ allowed: false, denied: true, reason: 'never' })]);
  assert.deepEqual(await chain.authorize(user, request), { allowed: true });
});

test('an explicit deny ends the chain', async () => {
  const chain = authorizerChain([fixed({ allowed: false, denied: true, reason: 'never' }), fixed({ allowed: true })]);
  assert.deepEqual(await chain.authorize(user, request), { allowed: false, denied: true, reason: 'never' });
});

test('when nobody has an opinion the reasons are joined', async () => {
  const chain = authorizerChain([fixed({ allowed: false, reason: 'a' }), fixed({ allowed: false, reason: '' }), fixed({ allowed: false, reason: 'b' })]);
  assert.deepEqual(await chain.authorize(user, request), { allowed: false, reason: 'a\nb' });
});
