import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanupText } from './iptables.js';
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.js';
import { staleConntrackFlows } from './stale-conntrack.js';

const ep = (ip: string): ProxyEndpoint => ({ ip, port: 53, local: false, ready: true, serving: true, terminating: false });
const dns = (eps: string[], o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  id: 'kube-system/dns:dns', namespace: 'kube-system', name: 'dns', protocol: 'UDP', clusterIP: '10.43.0.10', port: 53,
  externalIPs: [], loadBalancerIPs: [], sourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, endpoints: eps.map(ep), ...o,
});

test('UDP flows to a removed endpoint are deleted, for the ClusterIP and the NodePort', () => {
  assert.deepEqual(staleConntrackFlows([dns(['10.42.0.5', '10.42.1.5'], { nodePort: 30053 })], [dns(['10.42.1.5'], { nodePort: 30053 })]), [
    ['-p', 'udp', '--orig-dst', '10.43.0.10', '--dst-nat', '10.42.0.5'],
    ['-p', 'udp', '--orig-port-dst', '30053', '--dst-nat', '10.42.0.5'],
  ]);
});

test('a UDP service getting its first endpoint loses the flows that were rejected; TCP is left to itself', () => {
  assert.deepEqual(staleConntrackFlows([dns([])], [dns(['10.42.0.5'])]), [['-p', 'udp', '--orig-dst', '10.43.0.10', '--orig-port-dst', '53']]);
  assert.deepEqual(staleConntrackFlows([dns(['10.42.0.5'], { protocol: 'TCP' })], [dns([], { protocol: 'TCP' })]), []);
  assert.deepEqual(staleConntrackFlows([dns(['10.42.0.5'])], [dns(['10.42.0.5'])]), []);
});

test('a deleted UDP service: flows to all its endpoints go', () => {
  assert.deepEqual(staleConntrackFlows([dns(['10.42.0.5'])], []), [['-p', 'udp', '--orig-dst', '10.43.0.10', '--dst-nat', '10.42.0.5']]);
});

test('cleanup removes kube-proxy\'s chains and the jumps into them, nothing else (not NetworkPolicy\'s KUBE-NWPLCY-*)', () => {
  const nat = [
    '*nat', ':PREROUTING ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]', ':KUBE-SVC-AB - [0:0]', ':CNI-1 - [0:0]',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -s 10.42.0.0/24 -j CNI-1',
    '-A KUBE-SERVICES -d 10.43.0.1/32 -j KUBE-SVC-AB', 'COMMIT',
  ].join('\n');
  const filter = '*filter\n:FORWARD ACCEPT [0:0]\n:KUBE-NWPLCY-FORWARD - [0:0]\n-A FORWARD -j KUBE-NWPLCY-FORWARD\nCOMMIT\n';
  assert.equal(cleanupText({ nat, filter }), [
    '*nat', '-D PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    ':KUBE-SERVICES - [0:0]', ':KUBE-SVC-AB - [0:0]', '-X KUBE-SERVICES', '-X KUBE-SVC-AB', 'COMMIT', '',
  ].join('\n'));
  assert.equal(cleanupText({ nat: '*nat\nCOMMIT\n', filter: '*filter\nCOMMIT\n' }), '');
});
