import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EGRESS_CHAIN, EGRESS_ISOLATED_SET, hashedName, INGRESS_CHAIN, INGRESS_ISOLATED_SET } from './names.js';
import { ipBlockEntries, planNetworkPolicies, type PolicyPlan } from './planner.js';
import type { NamespaceObject, NetworkPolicyObject, PodObject } from './types.js';

const NODE = 'n1';

function pod(ns: string, name: string, ip: string, labels: Record<string, string>, o: { node?: string; ports?: { name: string; containerPort: number; protocol?: string }[]; phase?: string; hostNetwork?: boolean } = {}): PodObject {
  return {
    metadata: { namespace: ns, name, labels },
    spec: { nodeName: o.node ?? NODE, hostNetwork: o.hostNetwork, containers: [{ name: 'c', ports: o.ports }] },
    status: { phase: o.phase ?? 'Running', podIP: ip, podIPs: [{ ip }] },
  } as PodObject;
}
const namespace = (name: string, labels: Record<string, string> = {}): NamespaceObject => ({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const policy = (ns: string, name: string, spec: object): NetworkPolicyObject => ({ metadata: { namespace: ns, name }, spec } as NetworkPolicyObject);

const NAMESPACES = [namespace('a', { team: 'x' }), namespace('b', { team: 'y' })];
const PODS = [
  pod('a', 'web', '10.42.0.2', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
  pod('a', 'web2', '10.42.0.5', { app: 'web' }, { ports: [{ name: 'http', containerPort: 9090 }] }),
  pod('a', 'client', '10.42.0.3', { app: 'client' }),
  pod('b', 'client', '10.42.1.3', { app: 'client' }, { node: 'n2' }),
  pod('b', 'other', '10.42.1.4', { app: 'other' }, { node: 'n2', ports: [{ name: 'http', containerPort: 7070 }] }),
  pod('a', 'done', '10.42.0.9', { app: 'web' }, { phase: 'Succeeded' }),
  pod('a', 'host', '10.99.0.2', { app: 'web' }, { hostNetwork: true }),
];

const plan = (...policies: NetworkPolicyObject[]) => planNetworkPolicies({ nodeName: NODE, policies, pods: PODS, namespaces: NAMESPACES });
const set = (p: PolicyPlan, name: string) => p.sets.find(s => s.name === name)?.entries;
const chain = (p: PolicyPlan, key: string) => p.chains.get(hashedName(key));

test('no policy: the skeleton only, nobody isolated', () => {
  const p = plan();
  assert.deepEqual([...p.chains.keys()], ['KUBE-NWPLCY-FORWARD', 'KUBE-NWPLCY-INPUT', EGRESS_CHAIN, INGRESS_CHAIN]);
  assert.deepEqual(p.chains.get('KUBE-NWPLCY-FORWARD'), [
    '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN', '-j MARK --set-xmark 0x0/0x30000', `-j ${EGRESS_CHAIN}`, `-j ${INGRESS_CHAIN}`,
  ]);
  assert.deepEqual(p.chains.get('KUBE-NWPLCY-INPUT'), ['-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN', '-j MARK --set-xmark 0x0/0x30000', `-j ${EGRESS_CHAIN}`]);
  assert.deepEqual(p.chains.get(INGRESS_CHAIN), [
    `-m set --match-set ${INGRESS_ISOLATED_SET} dst -m mark ! --mark 0x10000/0x10000 -m comment --comment "ingress not allowed by any network policy" -j DROP`,
  ]);
  assert.deepEqual(p.sets.map(s => [s.name, s.entries]), [[INGRESS_ISOLATED_SET, []], [EGRESS_ISOLATED_SET, []]]);
});

test('default deny ingress: targets isolated, empty policy chain; finished and host-network pods ignored', () => {
  const p = plan(policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }));
  assert.deepEqual(set(p, INGRESS_ISOLATED_SET), ['10.42.0.2', '10.42.0.3', '10.42.0.5']);
  assert.deepEqual(set(p, EGRESS_ISOLATED_SET), []);
  assert.deepEqual(set(p, hashedName('a/deny/targets')), ['10.42.0.2', '10.42.0.3', '10.42.0.5']);
  assert.deepEqual(chain(p, 'a/deny/ingress'), []);
  assert.equal(chain(p, 'a/deny/egress'), undefined);
  assert.equal(p.chains.get(INGRESS_CHAIN)![0], `-m set --match-set ${hashedName('a/deny/targets')} dst -m comment --comment "a/deny ingress" -j ${hashedName('a/deny/ingress')}`);
});

test('a policy selecting no pod of this node adds nothing', () => {
  const p = plan(policy('b', 'deny', { podSelector: {} }));
  assert.deepEqual(set(p, INGRESS_ISOLATED_SET), []);
  assert.equal(p.chains.size, 4);
});

test('policyTypes defaulted as the API does when absent: egress rules make it Egress too', () => {
  const p = plan(policy('a', 'e', { podSelector: { matchLabels: { app: 'client' } }, egress: [{}] }));
  assert.deepEqual(set(p, INGRESS_ISOLATED_SET), ['10.42.0.3']);
  assert.deepEqual(set(p, EGRESS_ISOLATED_SET), ['10.42.0.3']);
  assert.deepEqual(chain(p, 'a/e/egress'), ['-m comment --comment "a/e egress rule 0" -j MARK --set-xmark 0x20000/0x20000']);
  assert.equal(p.chains.get(EGRESS_CHAIN)![0], `-m set --match-set ${hashedName('a/e/targets')} src -m comment --comment "a/e egress" -j ${hashedName('a/e/egress')}`);
});

test('peers: podSelector (own namespace), namespaceSelector, both ANDed, in one set per rule', () => {
  const rules = [
    { from: [{ podSelector: { matchLabels: { app: 'client' } } }] },
    { from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }] },
    { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }] },
    { from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'web' } } }] },
  ];
  const p = plan(policy('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: rules }));
  assert.deepEqual(set(p, hashedName('a/web/ingress/0/pods')), ['10.42.0.3']);
  assert.deepEqual(set(p, hashedName('a/web/ingress/1/pods')), ['10.42.1.3', '10.42.1.4']);
  assert.deepEqual(set(p, hashedName('a/web/ingress/2/pods')), ['10.42.0.3', '10.42.1.3']);
  assert.deepEqual(set(p, hashedName('a/web/ingress/3/pods')), []);
  assert.deepEqual(chain(p, 'a/web/ingress'), [0, 1, 2, 3].map(i =>
    `-m set --match-set ${hashedName(`a/web/ingress/${i}/pods`)} src -m comment --comment "a/web ingress rule ${i}" -j MARK --set-xmark 0x10000/0x10000`));
  assert.deepEqual(set(p, INGRESS_ISOLATED_SET), ['10.42.0.2', '10.42.0.5']);
});

test('ipBlock with except: a hash:net set of its own, exceptions nomatch; 0.0.0.0/0 as two halves', () => {
  const p = plan(policy('a', 'blk', {
    podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.42.0.0/16', except: ['10.42.1.0/24'] } }, { ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '2001:db8::/64' } }] }],
  }));
  const b0 = hashedName('a/blk/egress/0/block/0');
  const b1 = hashedName('a/blk/egress/0/block/1');
  assert.deepEqual(p.sets.find(s => s.name === b0), { name: b0, type: 'hash:net', entries: ['10.42.0.0/16', '10.42.1.0/24 nomatch'] });
  assert.deepEqual(set(p, b1), ['0.0.0.0/1', '128.0.0.0/1']);
  assert.deepEqual(chain(p, 'a/blk/egress'), [b0, b1].map(s => `-m set --match-set ${s} dst -m comment --comment "a/blk egress rule 0" -j MARK --set-xmark 0x20000/0x20000`));
  assert.deepEqual(p.problems, []);
});

test('ports: numeric, protocol only, endPort range, each crossed with each peer', () => {
  const p = plan(policy('a', 'ports', {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{ from: [{ podSelector: {} }, { ipBlock: { cidr: '10.99.0.0/24' } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'UDP' }, { protocol: 'SCTP', port: 9000, endPort: 9010 }] }],
  }));
  const pods = `-m set --match-set ${hashedName('a/ports/ingress/0/pods')} src`;
  const block = `-m set --match-set ${hashedName('a/ports/ingress/0/block/1')} src`;
  const tail = '-m comment --comment "a/ports ingress rule 0" -j MARK --set-xmark 0x10000/0x10000';
  assert.deepEqual(chain(p, 'a/ports/ingress'), [pods, block].flatMap(peer => [
    `${peer} -p tcp -m tcp --dport 8080 ${tail}`, `${peer} -p udp ${tail}`, `${peer} -p sctp -m sctp --dport 9000:9010 ${tail}`,
  ]));
});

test('named ports resolve on the destination: each target\'s own number for ingress, any pod\'s for egress', () => {
  const p = plan(
    policy('a', 'in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'UDP', port: 'http' }] }] }),
    policy('a', 'out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }] }),
  );
  const tail = '-m comment --comment "a/in ingress rule 0" -j MARK --set-xmark 0x10000/0x10000';
  assert.deepEqual(chain(p, 'a/in/ingress'), [8080, 9090].map(n => `-p tcp -m tcp --dport ${n} -m set --match-set ${hashedName(`a/in/ingress/0/port/0/${n}`)} dst ${tail}`));
  assert.deepEqual(set(p, hashedName('a/in/ingress/0/port/0/8080')), ['10.42.0.2']);
  assert.deepEqual(set(p, hashedName('a/in/ingress/0/port/0/9090')), ['10.42.0.5']);
  assert.deepEqual(chain(p, 'a/out/egress')!.length, 3);
  assert.deepEqual(set(p, hashedName('a/out/egress/0/port/0/7070')), ['10.42.1.4']);
});

test('several policies on one pod are a union; an empty rule list denies that direction', () => {
  const p = plan(
    policy('a', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('a', 'allow-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }] }),
  );
  assert.deepEqual(set(p, EGRESS_ISOLATED_SET), ['10.42.0.2', '10.42.0.3', '10.42.0.5']);
  assert.deepEqual(chain(p, 'a/deny-all/egress'), []);
  assert.deepEqual(p.chains.get(INGRESS_CHAIN)!.map(r => /-j (\S+)$/.exec(r)![1]), [hashedName('a/allow-web/ingress'), hashedName('a/deny-all/ingress'), 'DROP']);
});

test('what cannot be enforced allows nothing and is reported; other policies are unaffected', () => {
  const p = plan(
    policy('a', 'bad', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }, { ports: [{ protocol: 'ICMP' }, { port: 70000 }] }] }),
    policy('a', 'good', { podSelector: { matchLabels: { app: 'client' } }, ingress: [{}] }),
  );
  assert.deepEqual(chain(p, 'a/bad/ingress'), []);
  assert.deepEqual(set(p, INGRESS_ISOLATED_SET), ['10.42.0.2', '10.42.0.3', '10.42.0.5']);
  assert.deepEqual(chain(p, 'a/good/ingress'), ['-m comment --comment "a/good ingress rule 0" -j MARK --set-xmark 0x10000/0x10000']);
  assert.deepEqual(p.problems, [
    'a/bad: ingress rule 0 peer 0: invalid cidr "10.0.0.0/33"; the peer matches nothing',
    'a/bad: ingress rule 1 port 0: unsupported protocol "ICMP"; the port matches nothing',
    'a/bad: ingress rule 1 port 1: invalid port range 70000-70000; the port matches nothing',
  ]);
});

test('ipBlockEntries', () => {
  assert.deepEqual(ipBlockEntries({ cidr: '10.1.2.3/16', except: ['10.1.2.0/24'] }), ['10.1.2.3/16', '10.1.2.0/24 nomatch']);
  assert.equal(ipBlockEntries({ cidr: '10.0.0.0/8', except: ['bad'] }), 'invalid except "bad"');
  assert.deepEqual(ipBlockEntries({ cidr: '::/0' }), []);
});
