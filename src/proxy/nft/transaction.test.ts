import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProxyEndpoint, ServicePortInfo } from '../service-ports.js';
import type { NodeFacts } from '../types.js';
import { buildNftRules, svcChain } from './ruleset.js';
import { nftPlan } from './transaction.js';

const NODE: NodeFacts = { name: 'n1', ips: ['10.99.0.2'], podCIDR: '10.42.0.0/24' };

const ep = (ip: string, o: Partial<ProxyEndpoint> = {}): ProxyEndpoint => ({ ip, port: 8080, local: false, ready: true, serving: true, terminating: false, ...o });
const port = (o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  id: 'default/web:http', namespace: 'default', name: 'web', protocol: 'TCP', clusterIP: '10.43.0.10', port: 80,
  externalIPs: [], loadBalancerIPs: [], sourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, endpoints: [ep('10.42.0.5', { local: true }), ep('10.42.1.5')], ...o,
});

describe('nftables sync plan', () => {
  const a = port();
  const b = port({ id: 'default/api:http', name: 'api', clusterIP: '10.43.0.11', affinitySeconds: 60 });

  test('a full sync declares the table, maps and sets, writes every chain and fills the maps', () => {
    const plan = nftPlan(buildNftRules([a], NODE), undefined, undefined);
    const lines = plan.script.trim().split('\n');
    assert.equal(lines[0], 'add table ip k8ts-proxy');
    assert.ok(lines.includes('flush map ip k8ts-proxy service-ips'));
    assert.ok(lines.includes('add chain ip k8ts-proxy nat-prerouting { type nat hook prerouting priority dstnat; policy accept; }'));
    assert.ok(lines.includes(`add element ip k8ts-proxy service-ips { 10.43.0.10 . tcp . 80 : goto ${svcChain(a)} }`));
    // Chains exist before anything refers to them.
    assert.ok(lines.indexOf(`add chain ip k8ts-proxy ${svcChain(a)}`) < lines.findIndex(l => l.startsWith('add element ip k8ts-proxy service-ips')));
    assert.equal(plan.chainsWritten, 1);
  });

  test('a full sync removes what the kernel holds that is no longer wanted, chains before their sets', () => {
    const old = buildNftRules([a, b], NODE);
    const plan = nftPlan(buildNftRules([a], NODE), undefined, { chains: new Set([...old.chains.keys(), 'services']), sets: new Set([...old.affinitySets.keys(), 'hairpin']) });
    const lines = plan.script.trim().split('\n');
    const gone = [...old.chains.keys()].filter(c => c !== svcChain(a));
    for (const c of gone) assert.ok(lines.includes(`delete chain ip k8ts-proxy ${c}`), c);
    assert.ok(!lines.includes('delete chain ip k8ts-proxy services'), 'fixed chains stay');
    assert.ok(!lines.includes('delete set ip k8ts-proxy hairpin'));
    const firstSetDelete = lines.findIndex(l => l.startsWith('delete set'));
    const lastChainDelete = lines.map(l => l.startsWith('delete chain')).lastIndexOf(true);
    assert.ok(firstSetDelete > lastChainDelete);
    assert.equal(plan.chainsDeleted, gone.length);
  });

  test('a partial sync writes only what changed: one endpoint more is one chain and no element', () => {
    const before = buildNftRules([a, b], NODE);
    const grown = port({ endpoints: [...a.endpoints, ep('10.42.2.5')] });
    const plan = nftPlan(buildNftRules([grown, b], NODE), before);
    assert.equal(plan.chainsWritten, 1);
    assert.deepEqual(plan.script.trim().split('\n'), [
      `add chain ip k8ts-proxy ${svcChain(a)}`,
      `flush chain ip k8ts-proxy ${svcChain(a)}`,
      `add rule ip k8ts-proxy ${svcChain(a)} ip daddr 10.43.0.10 tcp dport 80 ip saddr != 10.42.0.0/24 jump mark-for-masquerade`,
      `add rule ip k8ts-proxy ${svcChain(a)} meta l4proto tcp dnat ip addr . port to numgen random mod 3 map { 0 : 10.42.0.5 . 8080, 1 : 10.42.1.5 . 8080, 2 : 10.42.2.5 . 8080 }`,
      'add element ip k8ts-proxy hairpin { 10.42.2.5 . 10.42.2.5 }',
    ]);
  });

  test('a partial sync: a Service losing its endpoints moves its element to the no-endpoint map and drops its chain', () => {
    const before = buildNftRules([a], NODE);
    const plan = nftPlan(buildNftRules([port({ endpoints: [] })], NODE), before);
    assert.deepEqual(plan.script.trim().split('\n'), [
      'delete element ip k8ts-proxy service-ips { 10.43.0.10 . tcp . 80 }',
      'add element ip k8ts-proxy no-endpoint-services { 10.43.0.10 . tcp . 80 : goto reject-chain }',
      'delete element ip k8ts-proxy hairpin { 10.42.0.5 . 10.42.0.5, 10.42.1.5 . 10.42.1.5 }',
      `flush chain ip k8ts-proxy ${svcChain(a)}`,
      `delete chain ip k8ts-proxy ${svcChain(a)}`,
    ]);
  });

  test('nothing changed: an empty transaction', () => {
    const rules = buildNftRules([a, b], NODE);
    assert.equal(nftPlan(buildNftRules([a, b], NODE), rules).script, '');
  });
});
