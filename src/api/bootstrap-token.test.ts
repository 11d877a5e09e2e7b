import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapTokenExpired, bootstrapTokenGroups, formatBootstrapToken,
  generateBootstrapToken, parseBootstrapToken,
} from './bootstrap-token.js';
import type { KubeObject } from './object.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
function secret(data: Record<string, string>, name = 'bootstrap-token-abcdef'): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) } as KubeObject;
}

test('tokens are <6>.<16> lowercase alphanumerics; anything else is not a bootstrap token', () => {
  assert.deepEqual(parseBootstrapToken('abcdef.0123456789abcdef'), { id: 'abcdef', secret: '0123456789abcdef' });
  for (const bad of ['ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef:0123456789abcdef', 'abcdef.0123456789abcdef0', '']) {
    assert.equal(parseBootstrapToken(bad), undefined, bad);
  }
  const t = generateBootstrapToken();
  assert.deepEqual(parseBootstrapToken(formatBootstrapToken(t)), t);
});

test('expiration: past and unparsable are expired, absent never expires', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(bootstrapTokenExpired(secret({ expiration: '2025-12-31T23:59:59Z' }), now), true);
  assert.equal(bootstrapTokenExpired(secret({ expiration: '2026-01-01T00:00:01Z' }), now), false);
  assert.equal(bootstrapTokenExpired(secret({ expiration: 'tomorrow' }), now), true);
  assert.equal(bootstrapTokenExpired(secret({}), now), false);
});

test('groups: system:bootstrappers plus valid extra groups; an invalid extra group is an error', () => {
  assert.deepEqual(bootstrapTokenGroups(secret({ 'auth-extra-groups': 'system:bootstrappers:a,system:bootstrappers:b-c' })), ['system:bootstrappers', 'system:bootstrappers:a', 'system:bootstrappers:b-c']);
  assert.throws(() => bootstrapTokenGroups(secret({ 'auth-extra-groups': 'system:masters' })), /bootstrap group "system:masters" is invalid/);
});
