import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Answer } from 'dns-packet';
import { ClusterRecords } from './cluster-records.js';
import { dashedToIP, resolve, reverseToIP, type ClusterAnswer, type Question } from './resolver.js';
import type { EndpointSliceObject, ServiceObject } from './types.js';

const CFG = { zone: 'cluster.local', ttl: 5, nameserverIPs: ['10.99.0.2'] };

function svc(ns: string, name: string, spec: ServiceObject['spec']): ServiceObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec };
}

function slice(ns: string, name: string, service: string, endpoints: EndpointSliceObject['endpoints'], ports: EndpointSliceObject['ports'] = []): EndpointSliceObject {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: ns, name, labels: { 'kubernetes.io/service-name': service } }, addressType: 'IPv4', endpoints, ports };
}

function cluster(): ClusterRecords {
  const r = new ClusterRecords();
  for (const name of ['default', 'shop', 'kube-system']) r.setNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  r.setService(svc('kube-system', 'kube-dns', { clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }));
  r.setService(svc('shop', 'web', { clusterIP: '10.43.0.20', clusterIPs: ['10.43.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'stats', port: 9100, protocol: 'UDP' }] }));
  r.setSlice(slice('shop', 'web-abc', 'web', [{ addresses: ['10.42.1.9'], conditions: { ready: true } }], [{ name: 'http', port: 8080, protocol: 'TCP' }]));
  r.setService(svc('shop', 'dual', { clusterIP: '10.43.0.30', clusterIPs: ['10.43.0.30', 'fd00::30'], ports: [{ name: 'http', port: 80 }] }));
  r.setService(svc('shop', 'db', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'mysql', port: 3306 }] }));
  r.setSlice(slice('shop', 'db-1', 'db', [
    { addresses: ['10.42.1.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.42.2.6'], hostname: 'db-1' },
    { addresses: ['10.42.3.7'], conditions: { ready: true } },
    { addresses: ['10.42.3.8'], hostname: 'db-2', conditions: { ready: false } },
  ], [{ name: 'mysql', port: 3306, protocol: 'TCP' }]));
  r.setService(svc('shop', 'idle', { clusterIP: 'None', ports: [{ name: 'x', port: 1 }] }));
  r.setService(svc('shop', 'ext', { type: 'ExternalName', externalName: 'db.example.com.' }));
  r.setService(svc('shop', 'alias', { type: 'ExternalName', externalName: 'web.shop.svc.cluster.local' }));
  return r;
}

const q = (name: string, type: Question['type']): Question => ({ name, type, class: 'IN' });
function ask(name: string, type: Question['type'], records = cluster()): ClusterAnswer {
  const r = resolve(q(name, type), records, CFG);
  assert.equal(r.kind, 'answer', `${type} ${name} was forwarded`);
  return r as ClusterAnswer;
}
const data = (answers: Answer[]) => answers.map(a => `${a.name} ${a.type} ${JSON.stringify((a as { data: unknown }).data)}`);

test('record table: A, AAAA, SRV, CNAME, TXT, NS, SOA for services, endpoints, pods', () => {
  const cases: [string, Question['type'], string[], string[]?][] = [
    ['web.shop.svc.cluster.local', 'A', ['web.shop.svc.cluster.local A "10.43.0.20"']],
    ['WEB.Shop.svc.cluster.local.', 'A', ['WEB.Shop.svc.cluster.local A "10.43.0.20"']],
    ['dual.shop.svc.cluster.local', 'AAAA', ['dual.shop.svc.cluster.local AAAA "fd00::30"']],
    ['web.shop.svc.cluster.local', 'SRV', [
      'web.shop.svc.cluster.local SRV {"priority":0,"weight":50,"port":80,"target":"web.shop.svc.cluster.local"}',
      'web.shop.svc.cluster.local SRV {"priority":0,"weight":50,"port":9100,"target":"web.shop.svc.cluster.local"}',
    ], ['web.shop.svc.cluster.local A "10.43.0.20"']],
    ['_http._tcp.web.shop.svc.cluster.local', 'SRV', ['_http._tcp.web.shop.svc.cluster.local SRV {"priority":0,"weight":100,"port":80,"target":"web.shop.svc.cluster.local"}'], ['web.shop.svc.cluster.local A "10.43.0.20"']],
    ['_stats._udp.web.shop.svc.cluster.local', 'SRV', ['_stats._udp.web.shop.svc.cluster.local SRV {"priority":0,"weight":100,"port":9100,"target":"web.shop.svc.cluster.local"}'], ['web.shop.svc.cluster.local A "10.43.0.20"']],
    // A ClusterIP Service's endpoints have names too (dashed IP without a hostname).
    ['10-42-1-9.web.shop.svc.cluster.local', 'A', ['10-42-1-9.web.shop.svc.cluster.local A "10.42.1.9"']],
    // Headless: every ready endpoint (ready unset counts as ready; 10.42.3.8 is not ready).
    ['db.shop.svc.cluster.local', 'A', ['db.shop.svc.cluster.local A "10.42.1.5"', 'db.shop.svc.cluster.local A "10.42.2.6"', 'db.shop.svc.cluster.local A "10.42.3.7"']],
    ['db-1.db.shop.svc.cluster.local', 'A', ['db-1.db.shop.svc.cluster.local A "10.42.2.6"']],
    ['10-42-3-7.db.shop.svc.cluster.local', 'A', ['10-42-3-7.db.shop.svc.cluster.local A "10.42.3.7"']],
    ['_mysql._tcp.db.shop.svc.cluster.local', 'SRV', [
      '_mysql._tcp.db.shop.svc.cluster.local SRV {"priority":0,"weight":33,"port":3306,"target":"db-0.db.shop.svc.cluster.local"}',
      '_mysql._tcp.db.shop.svc.cluster.local SRV {"priority":0,"weight":33,"port":3306,"target":"db-1.db.shop.svc.cluster.local"}',
      '_mysql._tcp.db.shop.svc.cluster.local SRV {"priority":0,"weight":33,"port":3306,"target":"10-42-3-7.db.shop.svc.cluster.local"}',
    ], ['db-0.db.shop.svc.cluster.local A "10.42.1.5"', 'db-1.db.shop.svc.cluster.local A "10.42.2.6"', '10-42-3-7.db.shop.svc.cluster.local A "10.42.3.7"']],
    ['ext.shop.svc.cluster.local', 'CNAME', ['ext.shop.svc.cluster.local CNAME "db.example.com"']],
    // A CNAME into the cluster is followed here.
    ['alias.shop.svc.cluster.local', 'A', ['alias.shop.svc.cluster.local CNAME "web.shop.svc.cluster.local"', 'web.shop.svc.cluster.local A "10.43.0.20"']],
    ['10-42-7-3.shop.pod.cluster.local', 'A', ['10-42-7-3.shop.pod.cluster.local A "10.42.7.3"']],
    ['fd00--7.shop.pod.cluster.local', 'AAAA', ['fd00--7.shop.pod.cluster.local AAAA "fd00::7"']],
    ['dns-version.cluster.local', 'TXT', ['dns-version.cluster.local TXT "1.1.0"']],
    ['ns.dns.cluster.local', 'A', ['ns.dns.cluster.local A "10.43.0.10"']],
    ['cluster.local', 'NS', ['cluster.local NS "ns.dns.cluster.local"'], ['ns.dns.cluster.local A "10.43.0.10"']],
  ];
  for (const [name, type, answers, additionals] of cases) {
    const r = ask(name, type);
    assert.equal(r.rcode, 'NOERROR', `${type} ${name}`);
    assert.deepEqual(data(r.answers), answers, `${type} ${name}`);
    assert.deepEqual(data(r.additionals), additionals ?? [], `${type} ${name} additionals`);
    assert.deepEqual(r.authorities, [], `${type} ${name} authorities`);
    assert.ok(r.answers.every(a => (a as { ttl?: number }).ttl === (a.type === 'TXT' ? 28800 : 5)));
  }
  const soa = ask('cluster.local', 'SOA');
  assert.deepEqual(soa.answers[0].type, 'SOA');
});

test('negative answers: NXDOMAIN for names that do not exist, NODATA for other types; both with the SOA', () => {
  const cases: [string, Question['type'], 'NXDOMAIN' | 'NOERROR'][] = [
    ['nope.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['web.nonexistent.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['web.shop.nonsense.cluster.local', 'A', 'NXDOMAIN'],
    ['idle.shop.svc.cluster.local', 'A', 'NXDOMAIN'], // headless, no ready endpoints
    ['db-2.db.shop.svc.cluster.local', 'A', 'NXDOMAIN'], // endpoint not ready
    ['db-9.db.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['_nope._tcp.web.shop.svc.cluster.local', 'SRV', 'NXDOMAIN'],
    ['_http._udp.web.shop.svc.cluster.local', 'SRV', 'NXDOMAIN'],
    ['a.b.c.web.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['not-an-ip.shop.pod.cluster.local', 'A', 'NXDOMAIN'],
    ['1-2-3-4.nonexistent.pod.cluster.local', 'A', 'NXDOMAIN'],
    ['web.shop.svc.cluster.local', 'AAAA', 'NOERROR'],
    ['web.shop.svc.cluster.local', 'TXT', 'NOERROR'],
    ['db.shop.svc.cluster.local', 'AAAA', 'NOERROR'],
    ['10-42-7-3.shop.pod.cluster.local', 'AAAA', 'NOERROR'],
    ['shop.svc.cluster.local', 'A', 'NOERROR'],
    ['svc.cluster.local', 'A', 'NOERROR'],
    ['cluster.local', 'A', 'NOERROR'],
  ];
  const records = cluster();
  for (const [name, type, rcode] of cases) {
    const r = ask(name, type, records);
    assert.equal(r.rcode, rcode, `${type} ${name}`);
    assert.deepEqual(r.answers, [], `${type} ${name}`);
    assert.equal(r.authorities.length, 1, `${type} ${name}`);
    const soa = r.authorities[0] as Extract<Answer, { type: 'SOA' }>;
    assert.equal(soa.name, 'cluster.local');
    assert.deepEqual({ ...soa.data, serial: 0 }, { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 0, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 });
  }
});

test('PTR: a cluster IP names its Service, an endpoint IP its endpoint; unknown IPs are forwarded', () => {
  assert.deepEqual(data(ask('20.0.43.10.in-addr.arpa', 'PTR').answers), ['20.0.43.10.in-addr.arpa PTR "web.shop.svc.cluster.local"']);
  assert.deepEqual(data(ask('6.2.42.10.in-addr.arpa', 'PTR').answers), ['6.2.42.10.in-addr.arpa PTR "db-1.db.shop.svc.cluster.local"']);
  assert.deepEqual(data(ask('7.3.42.10.in-addr.arpa', 'PTR').answers), ['7.3.42.10.in-addr.arpa PTR "10-42-3-7.db.shop.svc.cluster.local"']);
  const v6 = `${'0.3.0.0.'}${'0.0.0.0.'.repeat(6)}0.0.d.f.ip6.arpa`;
  assert.deepEqual(data(ask(v6, 'PTR').answers), [`${v6} PTR "dual.shop.svc.cluster.local"`]);
  assert.equal(resolve(q('9.9.9.9.in-addr.arpa', 'PTR'), cluster(), CFG).kind, 'forward');
  assert.equal(resolve(q('8.3.42.10.in-addr.arpa', 'PTR'), cluster(), CFG).kind, 'forward'); // not ready
});

test('outside the cluster domain: forwarded; a CNAME leaving the cluster asks for a chase', () => {
  assert.equal(resolve(q('example.com', 'A'), cluster(), CFG).kind, 'forward');
  assert.equal(resolve(q('local', 'A'), cluster(), CFG).kind, 'forward');
  const ext = ask('ext.shop.svc.cluster.local', 'A');
  assert.deepEqual(data(ext.answers), ['ext.shop.svc.cluster.local CNAME "db.example.com"']);
  assert.equal(ext.chase, 'db.example.com');
  assert.equal(ask('ext.shop.svc.cluster.local', 'A').rcode, 'NOERROR');
});

test('the records follow the caches: removed slices and services disappear, generation moves', () => {
  const r = cluster();
  const g = r.generation;
  r.deleteSlice('shop', 'db-1');
  assert.equal(ask('db.shop.svc.cluster.local', 'A', r).rcode, 'NXDOMAIN');
  r.deleteService('shop', 'web');
  assert.equal(ask('web.shop.svc.cluster.local', 'A', r).rcode, 'NXDOMAIN');
  assert.equal(resolve(q('20.0.43.10.in-addr.arpa', 'PTR'), r, CFG).kind, 'forward');
  assert.ok(r.generation > g);
  r.deleteNamespace('shop');
  assert.equal(ask('shop.svc.cluster.local', 'A', r).rcode, 'NXDOMAIN');
});

test('name helpers: reverse names and dashed IPs', () => {
  assert.equal(reverseToIP('4.3.2.1.in-addr.arpa'), '1.2.3.4');
  assert.equal(reverseToIP('3.2.1.in-addr.arpa'), undefined);
  assert.equal(reverseToIP('256.3.2.1.in-addr.arpa'), undefined);
  assert.equal(dashedToIP('1-2-3-4'), '1.2.3.4');
  assert.equal(dashedToIP('1-2-3-400'), undefined);
  assert.equal(dashedToIP('fd00--1'), 'fd00::1');
  assert.equal(dashedToIP('web'), undefined);
});
