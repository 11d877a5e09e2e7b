import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../api/errors.js';
import type { Authorizer } from './authorizer.js';
import { impersonate } from './impersonation.js';
import type { Attributes } from './attributes.js';

const request = (headers: Record<string, string[]>) => ({
  url: '/api/v1/pods', headersDistinct: headers, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')])),
}) as unknown as IncomingMessage;
const admin = { username: 'admin', groups: ['system:authenticated'] };

/** Allows what `allow` says and records every question. */
function recording(allow: (a: Attributes) => boolean): Authorizer & { asked: Attributes[] } {
  const asked: Attributes[] = [];
  return { asked, authorize: (_u, a) => { asked.push(a); return allow(a) ? { allowed: true } : { allowed: false, reason: '' }; } };
}

test('no impersonation headers: the caller itself', async () => {
  assert.equal(await impersonate(request({}), admin, recording(() => false)), admin);
});

test('a user with groups, extras and a uid, each authorized with the impersonate verb', async () => {
  const authz = recording(() => true);
  const user = await impersonate(request({
    'impersonate-user': ['bob'], 'impersonate-group': ['dev', 'ops'], 'impersonate-extra-scopes%2fx': ['a', 'b'], 'impersonate-uid': ['u-1'],
  }), admin, authz);
  assert.deepEqual(user, { username: 'bob', groups: ['dev', 'ops', 'system:authenticated'], uid: 'u-1', extra: { 'scopes/x': ['a', 'b'] } });
  assert.deepEqual(authz.asked.map(a => a.isResourceRequest && `${a.verb} ${a.group}/${a.resource}${a.subresource ? '/' + a.subresource : ''} ${a.name}`), [
    'impersonate /users bob', 'impersonate /groups dev', 'impersonate /groups ops',
    'impersonate authentication.k8s.io/userextras/scopes/x a', 'impersonate authentication.k8s.io/userextras/scopes/x b', 'impersonate authentication.k8s.io/uids u-1',
  ]);
});

test('a service account gets its groups; anonymous stays unauthenticated', async () => {
  const authz = recording(() => true);
  assert.deepEqual(await impersonate(request({ 'impersonate-user': ['system:serviceaccount:ns:robot'] }), admin, authz),
    { username: 'system:serviceaccount:ns:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] });
  assert.deepEqual(authz.asked[0], { isResourceRequest: true, verb: 'impersonate', group: '', resource: 'serviceaccounts', subresource: '', namespace: 'ns', name: 'robot' });
  assert.deepEqual(await impersonate(request({ 'impersonate-user': ['system:anonymous'] }), admin, authz), { username: 'system:anonymous', groups: ['system:unauthenticated'] });
});

test('refused: upstream\'s 403 on the first thing not allowed; groups without a user are an error', async () => {
  await assert.rejects(impersonate(request({ 'impersonate-user': ['bob'], 'impersonate-group': ['system:masters'] }), admin, recording(a => a.isResourceRequest && a.resource === 'users')),
    (e: StatusError) => e.code === 403 && e.message === 'groups "system:masters" is forbidden: User "admin" cannot impersonate resource "groups" in API group "" at the cluster scope');
  await assert.rejects(impersonate(request({ 'impersonate-group': ['g'] }), admin, recording(() => true)),
    (e: StatusError) => e.code === 500 && /requested \[\{Group  g {4}\}\] without impersonating a user/.test(e.message));
});
