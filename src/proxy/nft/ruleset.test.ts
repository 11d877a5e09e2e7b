import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProxyEndpoint, ServicePortInfo } from '../service-ports.js';
import type { NodeFacts } from '../types.js';
import { affinitySet, buildNftRules, extChain, fwChain, sepChain, svcChain, svlChain } from './ruleset.js';

const NODE: NodeFacts = { name: 'n1', ips: ['10.99.0.2'], podCIDR: '10.42.0.0/24' };

const ep = (ip: string, o: Partial<ProxyEndpoint> = {}): ProxyEndpoint => ({ ip, port: 8080, local: false, ready: true, serving: true, terminating: false, ...o });
const port = (o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  id: 'default/web:http', namespace: 'default', name: 'web', protocol: 'TCP', clusterIP: '10.43.0.10', port: 80,
  externalIPs: [], loadBalancerIPs: [], sourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, endpoints: [ep('10.42.0.5', { local: true }), ep('10.42.1.5')], ...o,
});

describe('nftables rule builder', () => {
  test('ClusterIP: a service-ips element, masquerade for off-node sources, DNAT picked by numgen from a map', () => {
    const p = port();
    const r = buildNftRules([p], NODE);
    assert.deepEqual([...r.maps.get('service-ips')!], [['10.43.0.10 . tcp . 80', `goto ${svcChain(p)}`]]);
    assert.deepEqual(r.chains.get(svcChain(p)), [
      'ip daddr 10.43.0.10 tcp dport 80 ip saddr != 10.42.0.0/24 jump mark-for-masquerade',
      'meta l4proto tcp dnat ip addr . port to numgen random mod 2 map { 0 : 10.42.0.5 . 8080, 1 : 10.42.1.5 . 8080 }',
    ]);
    assert.equal(r.maps.get('no-endpoint-services')!.size, 0);
    // Hairpin: each endpoint talking to itself through the Service is masqueraded.
    assert.deepEqual([...r.sets.get('hairpin')!], ['10.42.0.5 . 10.42.0.5', '10.42.1.5 . 10.42.1.5']);
    assert.deepEqual([...r.sets.get('nodeport-ips')!], ['10.99.0.2']);
  });

  test('one endpoint: a plain DNAT', () => {
    const p = port({ protocol: 'UDP', endpoints: [ep('10.42.0.7')] });
    assert.equal(buildNftRules([p], NODE).chains.get(svcChain(p))!.at(-1), 'meta l4proto udp dnat ip to 10.42.0.7:8080');
  });

  test('no endpoints: reject (reset for TCP) at once; endpoints elsewhere but none local: drop', () => {
    const none = port({ endpoints: [], nodePort: 30080 });
    const r = buildNftRules([none], NODE);
    assert.equal(r.maps.get('no-endpoint-services')!.get('10.43.0.10 . tcp . 80'), 'goto reject-chain');
    assert.equal(r.maps.get('no-endpoint-nodeports')!.get('tcp . 30080'), 'goto reject-chain');
    assert.equal(r.chains.size, 0);
    const elsewhere = port({ internalPolicyLocal: true, endpoints: [ep('10.42.1.5')] });
    assert.equal(buildNftRules([elsewhere], NODE).maps.get('no-endpoint-services')!.get('10.43.0.10 . tcp . 80'), 'drop');
  });

  test('NodePort and load balancer IPs go through the external chain, which masquerades (Cluster policy)', () => {
    const p = port({ nodePort: 30080, loadBalancerIPs: ['10.99.0.200'] });
    const r = buildNftRules([p], NODE);
    assert.equal(r.maps.get('service-nodeports')!.get('tcp . 30080'), `goto ${extChain(p)}`);
    assert.equal(r.maps.get('service-ips')!.get('10.99.0.200 . tcp . 80'), `goto ${extChain(p)}`);
    assert.deepEqual(r.chains.get(extChain(p)), ['jump mark-for-masquerade', `goto ${svcChain(p)}`]);
  });

  test('loadBalancerSourceRanges: LB IPs get a firewall-ips element; the fw chain returns for allowed sources and drops the rest', () => {
    const p = port({ nodePort: 30080, loadBalancerIPs: ['10.99.0.2'], sourceRanges: ['192.0.2.0/24'] });
    const r = buildNftRules([p], NODE);
    assert.deepEqual([...r.maps.get('firewall-ips')!], [['10.99.0.2 . tcp . 80', `goto ${fwChain(p)}`]]);
    assert.deepEqual(r.chains.get(fwChain(p)), ['ip saddr { 192.0.2.0/24 } return', 'drop']);
    assert.equal(r.maps.get('service-ips')!.get('10.99.0.2 . tcp . 80'), `goto ${extChain(p)}`);
  });

  test('externalTrafficPolicy Local: local endpoints only from outside, the whole cluster for this node\'s own traffic', () => {
    const p = port({ nodePort: 30080, externalPolicyLocal: true, healthCheckNodePort: 31000 });
    const r = buildNftRules([p], NODE);
    assert.deepEqual(r.chains.get(extChain(p)), [
      `ip saddr 10.42.0.0/24 goto ${svcChain(p)}`,
      'fib saddr type local jump mark-for-masquerade',
      `fib saddr type local goto ${svcChain(p)}`,
      `goto ${svlChain(p)}`,
    ]);
    assert.deepEqual(r.chains.get(svlChain(p)), ['meta l4proto tcp dnat ip to 10.42.0.5:8080']);
    assert.deepEqual(r.healthChecks.get(31000), { namespace: 'default', name: 'web', localEndpoints: 1 });
  });

  test('ClientIP affinity: a timeout set and a chain per endpoint, clients in a set go back to its endpoint', () => {
    const p = port({ affinitySeconds: 600 });
    const r = buildNftRules([p], NODE);
    const [e1, e2] = p.endpoints;
    assert.deepEqual(r.chains.get(svcChain(p))!.slice(1), [
      `ip saddr @${affinitySet(p, e1!)} goto ${sepChain(p, e1!)}`,
      `ip saddr @${affinitySet(p, e2!)} goto ${sepChain(p, e2!)}`,
      `numgen random mod 2 vmap { 0 : goto ${sepChain(p, e1!)}, 1 : goto ${sepChain(p, e2!)} }`,
    ]);
    assert.deepEqual(r.chains.get(sepChain(p, e2!)), [`update @${affinitySet(p, e2!)} { ip saddr }`, 'meta l4proto tcp dnat ip to 10.42.1.5:8080']);
    assert.equal(r.affinitySets.get(affinitySet(p, e1!)), 600);
    assert.notEqual(affinitySet(p, e1!), affinitySet({ ...p, affinitySeconds: 60 }, e1!), 'a new timeout is a new set');
  });
});
