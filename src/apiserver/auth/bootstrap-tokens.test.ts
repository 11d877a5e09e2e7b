import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { BootstrapTokenAuthenticator } from './bootstrap-tokens.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
function tokenSecret(extra: Record<string, string> = {}, patch: Partial<KubeObject> & { type?: string } = {}): KubeObject {
  const data = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', ...extra };
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token',
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])), ...patch,
  } as KubeObject;
}
const authn = (s?: KubeObject) => new BootstrapTokenAuthenticator((ns, name) => (s && ns === s.metadata.namespace && name === s.metadata.name ? s : undefined));
const TOKEN = 'abcdef.0123456789abcdef';

test('a live token authenticates as system:bootstrap:<id> in system:bootstrappers and its extra groups', () => {
  const r = authn(tokenSecret({ 'auth-extra-groups': 'system:bootstrappers:worker', expiration: '2099-01-01T00:00:00Z' })).authenticate(TOKEN);
  assert.deepEqual(r, { kind: 'user', user: { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:worker'] } });
});

test('not a bootstrap token, or no Secret for it: no opinion (other authenticators may know it)', () => {
  assert.deepEqual(authn(tokenSecret()).authenticate('some-static-token'), { kind: 'unknown' });
  assert.deepEqual(authn().authenticate(TOKEN), { kind: 'unknown' });
});

test('rejected: wrong secret, expired, not for authentication, wrong type, being deleted, bad extra group', () => {
  const cases: [KubeObject, string, RegExp][] = [
    [tokenSecret(), 'abcdef.0123456789abcdee', /does not match/],
    [tokenSecret({ expiration: '2000-01-01T00:00:00Z' }), TOKEN, /has expired/],
    [tokenSecret({ 'usage-bootstrap-authentication': 'false' }), TOKEN, /not marked usage-bootstrap-authentication/],
    [tokenSecret({}, { type: 'Opaque' }), TOKEN, /is not of type bootstrap.kubernetes.io\/token/],
    [tokenSecret({}, { metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', deletionTimestamp: '2026-01-01T00:00:00Z' } }), TOKEN, /being deleted/],
    [tokenSecret({ 'auth-extra-groups': 'system:masters' }), TOKEN, /invalid/],
    [tokenSecret({ 'token-id': 'zzzzzz' }), TOKEN, /token id does not match/],
  ];
  for (const [s, token, why] of cases) {
    const r = authn(s).authenticate(token);
    assert.equal(r.kind, 'rejected');
    assert.match((r as { reason: string }).reason, why);
  }
});

test('tokenFor: the whole token of a live id only (what keys the /cacerts proof)', () => {
  assert.equal(authn(tokenSecret()).tokenFor('abcdef'), TOKEN);
  assert.equal(authn(tokenSecret({ expiration: '2000-01-01T00:00:00Z' })).tokenFor('abcdef'), undefined);
  assert.equal(authn().tokenFor('abcdef'), undefined);
});
