import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findRefusedPolicies, isolationOnly } from './refusals.js';
import type { NetworkPolicyObject } from './types.js';

const policy = (name: string, spec: object): NetworkPolicyObject => ({ metadata: { namespace: 'a', name }, spec } as NetworkPolicyObject);
const sctp = { podSelector: {}, ingress: [{ ports: [{ protocol: 'SCTP', port: 9 }] }] };
const tcp = { podSelector: { matchLabels: { app: 'web' } }, egress: [{ ports: [{ protocol: 'TCP', port: 80 }] }] };

/** A kernel without SCTP: refuses any batch holding an SCTP rule, and records what it applied. */
function kernel() {
  const applied: NetworkPolicyObject[][] = [];
  const tryApply = async (ps: NetworkPolicyObject[]) => {
    if (ps.some(p => JSON.stringify(p.spec).includes('SCTP'))) throw new Error('refused');
    applied.push(ps);
  };
  return { applied, tryApply };
}

test('isolationOnly keeps the selector and the effective policy types, drops the rules', () => {
  assert.deepEqual(isolationOnly(policy('p', tcp)).spec, { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] });
  assert.deepEqual(isolationOnly(policy('p', sctp)).spec, { podSelector: {}, policyTypes: ['Ingress'] });
  assert.deepEqual(isolationOnly(policy('p', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })).spec, { podSelector: {}, policyTypes: ['Egress'] });
});

test('a refused policy stays isolation-only; the others are applied whole', async () => {
  for (const order of [['bad', 'good'], ['good', 'bad']]) {
    const ps = order.map(n => policy(n, n === 'bad' ? sctp : tcp));
    const k = kernel();
    const refused = await findRefusedPolicies(ps, k.tryApply);
    assert.deepEqual(refused.map(p => p.metadata.name), ['bad']);
    const last = k.applied.at(-1)!;
    assert.deepEqual(last.find(p => p.metadata.name === 'good')!.spec, tcp);
    assert.deepEqual(last.find(p => p.metadata.name === 'bad')!.spec, { podSelector: {}, policyTypes: ['Ingress'] });
  }
});

test('when nothing at all can be applied, the error is the kernel\'s', async () => {
  await assert.rejects(findRefusedPolicies([policy('p', tcp)], async () => {
    throw new Error('iptables-restore: not found');
  }), /not found/);
});
