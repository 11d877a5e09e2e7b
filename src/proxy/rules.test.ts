import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { restorePlan } from './restore-text.js';
import { buildRules, extChain, fwChain, sepChain, svcChain, svlChain, type RuleSet } from './rules.js';
import { servicePorts, type ProxyEndpoint, type ServicePortInfo } from './service-ports.js';
import type { EndpointSliceObject, NodeFacts, ServiceObject } from './types.js';

const NODE: NodeFacts = { name: 'n1', ips: ['10.99.0.2'], podCIDR: '10.42.0.0/24' };

const ep = (ip: string, o: Partial<ProxyEndpoint> = {}): ProxyEndpoint => ({ ip, port: 8080, local: false, ready: true, serving: true, terminating: false, ...o });
const port = (o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  id: 'default/web:http', namespace: 'default', name: 'web', protocol: 'TCP', clusterIP: '10.43.0.10', port: 80,
  externalIPs: [], loadBalancerIPs: [], sourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false, endpoints: [ep('10.42.0.5', { local: true }), ep('10.42.1.5')], ...o,
});

/** The rules of every chain as one list, for "contains" assertions. */
const all = (r: RuleSet, table: 'nat' | 'filter') => [...r[table].values()].flat();
const has = (r: RuleSet, table: 'nat' | 'filter', pattern: RegExp) => all(r, table).some(l => pattern.test(l));

describe('rule builder', () => {
  test('ClusterIP: a KUBE-SERVICES jump, masquerade for off-node sources, random balancing, DNAT per endpoint', () => {
    const p = port();
    const r = buildRules([p], NODE);
    const svc = svcChain(p);
    assert.deepEqual(r.nat.get('KUBE-SERVICES')!.filter(l => l.includes(svc)), [
      `-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -d 10.43.0.10/32 -p tcp -m tcp --dport 80 -j ${svc}`,
    ]);
    const [e1, e2] = p.endpoints;
    assert.deepEqual(r.nat.get(svc), [
      `-A ${svc} -m comment --comment "default/web:http cluster IP" ! -s 10.42.0.0/24 -d 10.43.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ`,
      `-A ${svc} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m statistic --mode random --probability 0.5000000000 -j ${sepChain(p, e1)}`,
      `-A ${svc} -m comment --comment "default/web:http -> 10.42.1.5:8080" -j ${sepChain(p, e2)}`,
    ]);
    assert.deepEqual(r.nat.get(sepChain(p, e2)), [
      `-A ${sepChain(p, e2)} -m comment --comment "default/web:http" -s 10.42.1.5/32 -j KUBE-MARK-MASQ`,
      `-A ${sepChain(p, e2)} -m comment --comment "default/web:http" -p tcp -m tcp -j DNAT --to-destination 10.42.1.5:8080`,
    ]);
    assert.equal(all(r, 'filter').filter(l => l.includes('10.43.0.10')).length, 0, 'no REJECT with endpoints');
    // NodePorts are reached only through this node's IPs, and that jump is the last rule.
    assert.equal(r.nat.get('KUBE-SERVICES')!.at(-1), '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 10.99.0.2/32 -j KUBE-NODEPORTS');
  });

  test('balancing: endpoint i of n is picked with probability 1/(n-i), the last one always', () => {
    const p = port({ endpoints: ['10.42.0.1', '10.42.0.2', '10.42.0.3', '10.42.0.4'].map(ip => ep(ip)) });
    const probabilities = buildRules([p], NODE).nat.get(svcChain(p))!.filter(l => l.includes('-j KUBE-SEP-')).map(l => /--probability (\S+)/.exec(l)?.[1]);
    assert.deepEqual(probabilities, ['0.2500000000', '0.3333333333', '0.5000000000', undefined]);
  });

  test('sessionAffinity ClientIP: recent --rcheck with the timeout before balancing, --set in each endpoint chain', () => {
    const p = port({ affinitySeconds: 600 });
    const r = buildRules([p], NODE);
    const rules = r.nat.get(svcChain(p))!;
    const sep = sepChain(p, p.endpoints[0]);
    assert.equal(rules[1], `-A ${svcChain(p)} -m comment --comment "default/web:http -> 10.42.0.5:8080" -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds 600 --reap -j ${sep}`);
    assert.match(rules[3], /--probability/);
    assert.match(r.nat.get(sep)![1], new RegExp(`-m recent --name ${sep} --mask 255.255.255.255 --rsource --set -m tcp -j DNAT`));
  });

  test('no endpoints: nothing in nat, REJECT in filter at once (tcp-reset for TCP, ICMP for UDP)', () => {
    const tcp = port({ endpoints: [] });
    const udp = port({ id: 'default/dns:dns', protocol: 'UDP', clusterIP: '10.43.0.11', port: 53, endpoints: [], nodePort: 30053 });
    const r = buildRules([tcp, udp], NODE);
    assert.equal(r.nat.has(svcChain(tcp)), false);
    assert.equal(has(r, 'nat', /10\.43\.0\.1[01]/), false);
    assert.deepEqual(r.filter.get('KUBE-SERVICES'), [
      '-A KUBE-SERVICES -d 10.43.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web:http has no endpoints" -j REJECT --reject-with tcp-reset',
      '-A KUBE-SERVICES -d 10.43.0.11/32 -p udp -m udp --dport 53 -m comment --comment "default/dns:dns has no endpoints" -j REJECT --reject-with icmp-port-unreachable',
    ]);
    assert.deepEqual(r.filter.get('KUBE-EXTERNAL-SERVICES'), [
      '-A KUBE-EXTERNAL-SERVICES -d 10.99.0.2/32 -p udp -m udp --dport 30053 -m comment --comment "default/dns:dns has no endpoints" -j REJECT --reject-with icmp-port-unreachable',
    ]);
  });

  test('terminating endpoints are used only when no endpoint is ready', () => {
    const terminating = ep('10.42.1.9', { ready: false, serving: true, terminating: true });
    const notServing = ep('10.42.1.8', { ready: false, serving: false, terminating: true });
    const withReady = port({ endpoints: [ep('10.42.0.5'), terminating] });
    const onlyTerminating = port({ endpoints: [notServing, terminating] });
    const seps = (p: ServicePortInfo) => buildRules([p], NODE).nat.get(svcChain(p))!.filter(l => l.includes('DNAT') || / -j KUBE-SEP-/.test(l)).map(l => /-> (\S+)"/.exec(l)![1]);
    assert.deepEqual(seps(withReady), ['10.42.0.5:8080']);
    assert.deepEqual(seps(onlyTerminating), ['10.42.1.9:8080']);
    const none = port({ endpoints: [notServing] });
    assert.ok(has(buildRules([none], NODE), 'filter', /has no endpoints" -j REJECT/));
  });

  test('NodePort and load balancer IPs: KUBE-EXT masquerades, then the cluster chain', () => {
    const p = port({ nodePort: 30080, loadBalancerIPs: ['10.99.0.2', '10.99.0.3'], externalIPs: ['192.0.2.7'] });
    const r = buildRules([p], NODE);
    const ext = extChain(p);
    assert.deepEqual(r.nat.get('KUBE-NODEPORTS'), [`-A KUBE-NODEPORTS -m comment --comment "default/web:http" -p tcp -m tcp --dport 30080 -j ${ext}`]);
    assert.deepEqual(r.nat.get('KUBE-SERVICES')!.filter(l => l.includes(ext)).map(l => /-d (\S+)/.exec(l)![1]), ['192.0.2.7/32', '10.99.0.2/32', '10.99.0.3/32']);
    assert.deepEqual(r.nat.get(ext), [
      `-A ${ext} -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ`,
      `-A ${ext} -j ${svcChain(p)}`,
    ]);
  });

  test('loadBalancerSourceRanges: LB IPs go through KUBE-FW (ranges on to KUBE-EXT), the rest is dropped in filter', () => {
    const p = port({ nodePort: 30080, loadBalancerIPs: ['10.99.0.2'], sourceRanges: ['192.0.2.0/24', '10.99.0.0/24'] });
    const r = buildRules([p], NODE);
    assert.ok(has(r, 'nat', new RegExp(`-A KUBE-SERVICES .*-d 10.99.0.2/32 -p tcp -m tcp --dport 80 -j ${fwChain(p)}`)));
    assert.deepEqual(r.nat.get(fwChain(p)), [
      `-A ${fwChain(p)} -m comment --comment "default/web:http loadbalancer IP" -s 192.0.2.0/24 -j ${extChain(p)}`,
      `-A ${fwChain(p)} -m comment --comment "default/web:http loadbalancer IP" -s 10.99.0.0/24 -j ${extChain(p)}`,
      // A range holds this node, so the LB IP itself may be the source too.
      `-A ${fwChain(p)} -m comment --comment "default/web:http loadbalancer IP" -s 10.99.0.2/32 -j ${extChain(p)}`,
    ]);
    assert.deepEqual(r.filter.get('KUBE-PROXY-FIREWALL'), [
      `-A KUBE-PROXY-FIREWALL -m comment --comment "default/web:http traffic not accepted by ${fwChain(p)}" -d 10.99.0.2/32 -p tcp -m tcp --dport 80 -j DROP`,
    ]);
    // The NodePort is not firewalled.
    assert.ok(has(r, 'nat', new RegExp(`-A KUBE-NODEPORTS .*--dport 30080 -j ${extChain(p)}`)));
  });

  test('externalTrafficPolicy Local: no SNAT for outside clients, local endpoints only; health check reports them', () => {
    const p = port({ nodePort: 30080, externalPolicyLocal: true, healthCheckNodePort: 32000 });
    const r = buildRules([p], NODE);
    const ext = extChain(p);
    assert.deepEqual(r.nat.get(ext), [
      `-A ${ext} -m comment --comment "pod traffic for default/web:http external destinations" -s 10.42.0.0/24 -j ${svcChain(p)}`,
      `-A ${ext} -m comment --comment "masquerade LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
      `-A ${ext} -m comment --comment "route LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j ${svcChain(p)}`,
      `-A ${ext} -j ${svlChain(p)}`,
    ]);
    assert.deepEqual(r.nat.get(svlChain(p)), [`-A ${svlChain(p)} -m comment --comment "default/web:http -> 10.42.0.5:8080" -j ${sepChain(p, p.endpoints[0])}`]);
    assert.deepEqual(r.healthChecks.get(32000), { namespace: 'default', name: 'web', localEndpoints: 1 });

    // Endpoints only elsewhere: external traffic is dropped here (not rejected), cluster traffic still works.
    const remote = port({ nodePort: 30080, externalPolicyLocal: true, healthCheckNodePort: 32000, endpoints: [ep('10.42.1.5')] });
    const rr = buildRules([remote], NODE);
    assert.equal(rr.nat.has(extChain(remote)), false);
    assert.deepEqual(rr.filter.get('KUBE-EXTERNAL-SERVICES'), ['-A KUBE-EXTERNAL-SERVICES -d 10.99.0.2/32 -p tcp -m tcp --dport 30080 -m comment --comment "default/web:http has no local endpoints" -j DROP']);
    assert.ok(rr.nat.get('KUBE-SERVICES')!.some(l => l.includes(`-j ${svcChain(remote)}`)));
    assert.equal(rr.healthChecks.get(32000)!.localEndpoints, 0);
  });

  test('internalTrafficPolicy Local: the ClusterIP goes to the local chain, no masquerade rule', () => {
    const p = port({ internalPolicyLocal: true });
    const r = buildRules([p], NODE);
    assert.ok(r.nat.get('KUBE-SERVICES')!.some(l => l.includes('10.43.0.10/32') && l.endsWith(`-j ${svlChain(p)}`)));
    assert.equal(r.nat.has(svcChain(p)), false);
    assert.deepEqual(r.nat.get(svlChain(p))!.length, 1);
    // With no endpoint on this node, the ClusterIP drops here (others exist elsewhere).
    const remote = port({ internalPolicyLocal: true, endpoints: [ep('10.42.1.5')] });
    assert.ok(buildRules([remote], NODE).filter.get('KUBE-SERVICES')!.some(l => l.includes('has no local endpoints" -j DROP')));
  });

  test('UDP and SCTP use their own protocol matches', () => {
    const p = port({ id: 'default/s:', protocol: 'SCTP' });
    assert.ok(all(buildRules([p], NODE), 'nat').some(l => l.includes('-p sctp -m sctp --dport 80')));
  });

  test('without a pod CIDR yet, no masquerade-by-source rule is written', () => {
    const p = port();
    assert.equal(buildRules([p], { ...NODE, podCIDR: undefined }).nat.get(svcChain(p))!.some(l => l.includes('KUBE-MARK-MASQ')), false);
  });
});

describe('restore text', () => {
  const p1 = port();
  const p2 = port({ id: 'default/api:', name: 'api', clusterIP: '10.43.0.20', endpoints: [ep('10.42.0.7')] });

  test('a full sync declares and writes every chain and deletes leftover chains of ours only', () => {
    const r = buildRules([p1], NODE);
    const plan = restorePlan(r, undefined, { nat: ['PREROUTING', 'KUBE-SERVICES', 'KUBE-SEP-OLD', 'CNI-123', 'KUBE-KUBELET-CANARY'], filter: ['INPUT', 'KUBE-FORWARD'] });
    assert.deepEqual(plan.deleted, { nat: ['KUBE-SEP-OLD'], filter: [] });
    assert.equal(plan.written.nat.length, r.nat.size);
    assert.equal(plan.batches.length, 1);
    const lines = plan.batches[0].split('\n');
    assert.ok(lines.includes(':KUBE-SEP-OLD - [0:0]') && lines.includes('-X KUBE-SEP-OLD'));
    assert.ok(lines.indexOf('*filter') < lines.indexOf('*nat'));
    assert.equal(lines.filter(l => l === 'COMMIT').length, 2);
  });

  test('a partial sync writes only changed chains; an endpoint change leaves KUBE-SERVICES alone', () => {
    const before = buildRules([p1, p2], NODE);
    assert.deepEqual(restorePlan(buildRules([p1, p2], NODE), before).batches, [], 'nothing changed: nothing to write');
    const scaled = port({ ...p2, endpoints: [ep('10.42.0.7'), ep('10.42.0.8')] });
    const plan = restorePlan(buildRules([p1, scaled], NODE), before);
    assert.deepEqual(plan.written, { nat: [svcChain(p2), sepChain(p2, ep('10.42.0.8'))], filter: [] });
    assert.deepEqual(plan.deleted, { nat: [], filter: [] });
    assert.deepEqual(plan.batches, [[
      '*nat', `:${svcChain(p2)} - [0:0]`, `:${sepChain(p2, ep('10.42.0.8'))} - [0:0]`,
      ...buildRules([p1, scaled], NODE).nat.get(svcChain(p2))!, ...buildRules([p1, scaled], NODE).nat.get(sepChain(p2, ep('10.42.0.8')))!,
      'COMMIT', '',
    ].join('\n')]);
  });

  test('a removed service: KUBE-SERVICES rewritten, its chains deleted, the other service untouched', () => {
    const before = buildRules([p1, p2], NODE);
    const plan = restorePlan(buildRules([p1], NODE), before);
    assert.deepEqual(plan.written.nat, ['KUBE-SERVICES']);
    assert.deepEqual(plan.deleted.nat.sort(), [svcChain(p2), sepChain(p2, p2.endpoints[0])].sort());
    assert.equal(plan.batches[0].includes(svcChain(p1)), true, 'still referenced from KUBE-SERVICES');
    assert.equal(plan.batches[0].includes(`:${svcChain(p1)}`), false, 'but not rewritten');
  });

  test('losing the last endpoint moves the service from nat to a filter REJECT', () => {
    const before = buildRules([p1], NODE);
    const plan = restorePlan(buildRules([port({ endpoints: [] })], NODE), before);
    assert.deepEqual(plan.written, { nat: ['KUBE-SERVICES'], filter: ['KUBE-SERVICES'] });
    assert.equal(plan.deleted.nat.length, 3);
  });
});

test('a large sync is split into batches in reference order: endpoints, services, external, entry chains, then deletions', () => {
  const ports = Array.from({ length: 6 }, (_, i) => port({ id: `default/s${i}:`, name: `s${i}`, clusterIP: `10.43.0.${i + 1}`, nodePort: 30000 + i, endpoints: [ep(`10.42.1.${i + 1}`)] }));
  const old = buildRules([port({ id: 'default/gone:', name: 'gone', nodePort: 30100 })], NODE);
  const plan = restorePlan(buildRules(ports, NODE), undefined, { nat: [...old.nat.keys()], filter: [...old.filter.keys()] }, 4);
  const declared = plan.batches.map(b => b.split('\n').filter(l => l.startsWith(':')).map(l => l.slice(1, 10)));
  assert.ok(declared.every(d => d.length <= 4), JSON.stringify(declared));
  // Each chain is declared once, after every chain it jumps to.
  const seenAt = new Map<string, number>();
  plan.batches.forEach((b, i) => b.split('\n').filter(l => l.startsWith(':')).forEach(l => seenAt.set(l.slice(1).split(' ')[0], i)));
  plan.batches.forEach((b, i) => {
    for (const l of b.split('\n').filter(x => x.startsWith('-A '))) {
      const target = / -j (KUBE-\S+)/.exec(l)?.[1];
      if (target) assert.ok(seenAt.get(target)! <= i, `${l} in batch ${i}, target written in batch ${seenAt.get(target)}`);
    }
  });
  // The leftover service's chains go last, its external chain before its service chain.
  const deletions = plan.batches.flatMap(b => b.split('\n').filter(l => l.startsWith('-X ')).map(l => l.slice(3, 12)));
  assert.deepEqual(deletions, ['KUBE-EXT-', 'KUBE-SVC-', 'KUBE-SEP-', 'KUBE-SEP-']);
  assert.ok(plan.batches.at(-1)!.includes('-X '));
  assert.equal(plan.batches.every(b => b.trimEnd().endsWith('COMMIT')), true);
});

describe('service ports from API objects', () => {
  const svc = (spec: ServiceObject['spec'], status?: ServiceObject['status']): ServiceObject => ({ metadata: { namespace: 'ns', name: 's' }, spec, status });
  const slice = (ports: { name?: string; port: number; protocol?: string }[], endpoints: EndpointSliceObject['endpoints']): EndpointSliceObject =>
    ({ metadata: { namespace: 'ns', name: 's-1', labels: { 'kubernetes.io/service-name': 's' } }, addressType: 'IPv4', ports, endpoints });

  test('headless and ExternalName services get no rules; bad ports and IPs are reported, not thrown', () => {
    const r = servicePorts([
      svc({ clusterIP: 'None', ports: [{ port: 80 }] }),
      svc({ type: 'ExternalName', externalName: 'example.com' }),
      svc({ clusterIP: '10.43.0.5', ports: [{ port: 80, protocol: 'ICMP' }, { port: 70000 }, { port: 81 }], externalIPs: ['not-an-ip'] }),
    ], () => [], NODE);
    assert.deepEqual(r.ports.map(p => p.port), [81]);
    assert.equal(r.problems.length, 3);
  });

  test('endpoints: matched by port name and protocol, deduplicated across slices, conditions defaulted, locality from nodeName', () => {
    const s = svc({ clusterIP: '10.43.0.5', type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP' }] },
      { loadBalancer: { ingress: [{ ip: '10.99.0.2' }, { hostname: 'lb.example' }] } });
    const slices = [
      slice([{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }], [
        { addresses: ['10.42.0.9'], nodeName: 'n1', conditions: {} },
        { addresses: ['10.42.0.3'], nodeName: 'n2', conditions: { ready: false, serving: true, terminating: true } },
      ]),
      slice([{ name: 'http', port: 8080 }], [{ addresses: ['10.42.0.9'], nodeName: 'n1' }]),
    ];
    const [http, dns] = servicePorts([s], () => slices, NODE).ports;
    assert.deepEqual(http.endpoints, [
      { ip: '10.42.0.3', port: 8080, local: false, ready: false, serving: true, terminating: true },
      { ip: '10.42.0.9', port: 8080, local: true, ready: true, serving: true, terminating: false },
    ]);
    assert.deepEqual(dns.endpoints.map(e => e.port), [5353, 5353]);
    assert.deepEqual({ ...http, endpoints: [] }, {
      id: 'ns/s:http', namespace: 'ns', name: 's', protocol: 'TCP', clusterIP: '10.43.0.5', port: 80, nodePort: 30080, externalIPs: [],
      loadBalancerIPs: ['10.99.0.2'], sourceRanges: [], externalPolicyLocal: true, internalPolicyLocal: false, affinitySeconds: 10800, healthCheckNodePort: 32000, endpoints: [],
    });
  });
});
