import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podDnsConfig, type PodDnsInputs } from './dns-config.js';
import type { PodObject } from './types.js';

const HOST = { nameservers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example'], options: ['timeout:1', 'ndots:1'] };
const NODE: PodDnsInputs = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', host: HOST, nodeIPs: ['10.0.0.5'] };
const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

function pod(spec: Partial<PodObject['spec']> = {}): PodObject {
  return { metadata: { name: 'web', namespace: 'shop', uid: 'u-1' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } };
}

test('dnsPolicy table: the base configuration each policy gets', () => {
  const cases: [string, Partial<PodObject['spec']>, PodDnsInputs, object][] = [
    ['ClusterFirst: cluster DNS, cluster search path then the node\'s, ndots:5 only', {}, NODE,
      { servers: ['10.43.0.10'], searches: [...CLUSTER_SEARCH, 'corp.example'], options: ['ndots:5'] }],
    ['ClusterFirst on the host network falls back to Default', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, NODE,
      { servers: HOST.nameservers, searches: HOST.searches, options: HOST.options }],
    ['ClusterFirstWithHostNet on the host network: cluster DNS', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, NODE,
      { servers: ['10.43.0.10'], searches: [...CLUSTER_SEARCH, 'corp.example'], options: ['ndots:5'] }],
    ['Default: the node\'s resolv.conf', { dnsPolicy: 'Default' }, NODE,
      { servers: HOST.nameservers, searches: HOST.searches, options: HOST.options }],
    ['Default with --resolv-conf "": the loopback resolver, search "."', { dnsPolicy: 'Default' }, { ...NODE, host: undefined, nodeIPs: ['10.0.0.5', 'fd00::5'] },
      { servers: ['127.0.0.1', '::1'], searches: ['.'], options: [] }],
    ['no cluster domain: only the node\'s search path', {}, { ...NODE, clusterDomain: '' },
      { servers: ['10.43.0.10'], searches: ['corp.example'], options: ['ndots:5'] }],
    ['the node\'s search path repeating a cluster domain appears once', {}, { ...NODE, host: { ...HOST, searches: ['svc.cluster.local', 'corp.example'] } },
      { servers: ['10.43.0.10'], searches: [...CLUSTER_SEARCH, 'corp.example'], options: ['ndots:5'] }],
    ['None: only the pod\'s dnsConfig', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'edns0' }] } }, NODE,
      { servers: ['1.1.1.1'], searches: ['a.example'], options: ['edns0'] }],
  ];
  for (const [name, spec, inputs, want] of cases) {
    const { config, warnings } = podDnsConfig(pod(spec), inputs);
    assert.deepEqual(config, want, name);
    assert.deepEqual(warnings, [], name);
  }
});

test('dnsConfig is merged: nameservers and searches appended without repeats, options replaced by name', () => {
  const { config } = podDnsConfig(pod({ dnsConfig: {
    nameservers: ['10.43.0.10', '9.9.9.9'], searches: ['cluster.local', 'extra.example'],
    options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }, { name: 'timeout', value: '3' }],
  } }), NODE);
  assert.deepEqual(config, {
    servers: ['10.43.0.10', '9.9.9.9'],
    searches: [...CLUSTER_SEARCH, 'corp.example', 'extra.example'],
    options: ['ndots:2', 'single-request-reopen', 'timeout:3'],
  });
});

test('without a cluster DNS, ClusterFirst falls back to Default with MissingClusterDNS on the pod and the node', () => {
  const { config, warnings } = podDnsConfig(pod(), { ...NODE, clusterDNS: [] });
  assert.deepEqual(config, { servers: HOST.nameservers, searches: HOST.searches, options: HOST.options });
  const message = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
  assert.deepEqual(warnings, [
    { about: 'node', reason: 'MissingClusterDNS', message },
    { about: 'pod', reason: 'MissingClusterDNS', message: `pod: "web_shop(u-1)". ${message}` },
  ]);
});

test('limits: 3 nameservers, 32 search paths, 2048 characters, no path over 253, each with a DNSConfigForming warning', () => {
  const servers = podDnsConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } }), NODE);
  assert.deepEqual(servers.config.servers, ['10.43.0.10', '1.1.1.1', '2.2.2.2']);
  assert.deepEqual(servers.warnings, [{ about: 'pod', reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.43.0.10 1.1.1.1 2.2.2.2' }]);

  const many = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
  const counted = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: many } }), NODE);
  assert.deepEqual(counted.config.searches, many.slice(0, 32));
  assert.equal(counted.warnings[0].reason, 'DNSConfigForming');
  assert.match(counted.warnings[0].message, /^Search Line limits were exceeded, some search paths have been omitted, the applied search line is: s0\.example .* s31\.example$/);

  const long = Array.from({ length: 10 }, (_, i) => `${String(i).repeat(250)}`);
  const sized = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['x'.repeat(254), ...long] } }), NODE);
  // 8 paths of 250 plus 7 spaces fit in 2048; the 254-character one is dropped outright.
  assert.deepEqual(sized.config.searches, long.slice(0, 8));
  assert.equal(sized.warnings.length, 1);
});
