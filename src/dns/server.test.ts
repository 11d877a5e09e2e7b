// The DNS server on loopback sockets: cluster answers over UDP and TCP, truncation and the EDNS0
// buffer size, forwarding to an upstream of the test's own (on loopback) with its cache.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import { ClusterRecords } from './cluster-records.js';
import { DnsHandler } from './dns-handler.js';
import { Forwarder } from './forwarder.js';
import { DnsServer } from './server.js';

const quiet = () => undefined;

/** An upstream resolver: `*.example.test` A 192.0.2.1 (TTL 60), `gone.example.test` NXDOMAIN; counts questions. */
async function upstream() {
  const asked: string[] = [];
  const server = new DnsServer({
    address: '127.0.0.1', port: 0, log: quiet,
    async handle(buf) {
      const q = packet.decode(buf);
      const question = q.questions![0];
      asked.push(`${question.type} ${question.name}`);
      const nx = question.name === 'gone.example.test';
      return packet.encode({
        type: 'response', id: q.id, flags: packet.RECURSION_AVAILABLE | (nx ? 3 : 0), questions: q.questions,
        answers: nx || question.type !== 'A' ? [] : [{ name: question.name, type: 'A', ttl: 60, data: '192.0.2.1' }],
        authorities: nx ? [{ name: 'example.test', type: 'SOA', ttl: 300, data: { mname: 'ns.example.test', rname: 'h.example.test', minimum: 20 } }] : [],
      });
    },
  });
  const port = await server.start();
  return { port, asked, stop: () => server.stop() };
}

function records(): ClusterRecords {
  const r = new ClusterRecords();
  r.setNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  r.setService({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name: 'web' }, spec: { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80 }] } });
  r.setService({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name: 'big' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] } });
  r.setSlice({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: 'shop', name: 'big-1', labels: { 'kubernetes.io/service-name': 'big' } },
    addressType: 'IPv4', endpoints: Array.from({ length: 100 }, (_, i) => ({ addresses: [`10.42.${i >> 8}.${i & 255}`], conditions: { ready: true } })),
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  });
  r.setService({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name: 'ext' }, spec: { type: 'ExternalName', externalName: 'api.example.test' } });
  return r;
}

const up = await upstream();
const forwarder = new Forwarder({ nameservers: ['127.0.0.1'], port: up.port, timeoutMs: 500 });
const handler = new DnsHandler(records(), { zone: 'cluster.local', ttl: 5, nameserverIPs: ['127.0.0.1'] }, forwarder);
const server = new DnsServer({ address: '127.0.0.1', port: 0, handle: (q, t) => handler.handle(q, t), log: quiet });
const port = await server.start();
after(async () => {
  await server.stop();
  await up.stop();
});

function query(name: string, type: RecordType, udpSize?: number, id = 4242): Buffer {
  return packet.encode({
    type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }],
    additionals: udpSize ? [{ name: '.', type: 'OPT', udpPayloadSize: udpSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
}

function udp(buf: Buffer): Promise<{ size: number; msg: DecodedPacket }> {
  const sock = createSocket('udp4');
  return new Promise<{ size: number; msg: DecodedPacket }>((resolve, reject) => {
    sock.on('message', m => resolve({ size: m.length, msg: packet.decode(m) }));
    sock.on('error', reject);
    sock.send(buf, port, '127.0.0.1');
  }).finally(() => sock.close());
}

function tcp(buf: Buffer): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(buf.length);
      sock.write(Buffer.concat([len, buf]));
    });
    sock.on('data', d => {
      data = Buffer.concat([data, d]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        sock.end();
        resolve(packet.decode(data.subarray(2)));
      }
    });
    sock.on('error', reject);
  });
}

const rcode = (m: DecodedPacket) => (m as { rcode?: string }).rcode;
const values = (as: Answer[] | undefined) => (as ?? []).map(a => `${a.type} ${JSON.stringify((a as { data: unknown }).data)}`);

test('a cluster name over UDP and TCP: authoritative, recursion available, the ID echoed', async () => {
  for (const msg of [(await udp(query('web.shop.svc.cluster.local', 'A'))).msg, await tcp(query('web.shop.svc.cluster.local', 'A'))]) {
    assert.equal(msg.id, 4242);
    assert.equal(rcode(msg), 'NOERROR');
    assert.ok(msg.flag_aa && msg.flag_ra && msg.flag_rd && !msg.flag_tc);
    assert.deepEqual(values(msg.answers), ['A "10.43.0.20"']);
  }
  const nx = (await udp(query('nope.shop.svc.cluster.local', 'A'))).msg;
  assert.equal(rcode(nx), 'NXDOMAIN');
  assert.equal(nx.authorities?.[0].type, 'SOA');
});

test('a large answer: truncated to 512 bytes (TC) without EDNS0, to the advertised size with it, whole over TCP', async () => {
  const plain = await udp(query('big.shop.svc.cluster.local', 'A'));
  assert.ok(plain.msg.flag_tc);
  assert.ok(plain.size <= 512);
  assert.ok(plain.msg.answers!.length > 0 && plain.msg.answers!.length < 100);
  const edns = await udp(query('big.shop.svc.cluster.local', 'A', 4096));
  assert.ok(!edns.msg.flag_tc);
  assert.equal(edns.msg.answers!.length, 100);
  assert.equal(edns.msg.additionals?.find(a => a.type === 'OPT')?.type, 'OPT');
  const small = await udp(query('big.shop.svc.cluster.local', 'A', 1232));
  assert.ok(small.msg.flag_tc && small.size <= 1232 && small.size > 512);
  const whole = await tcp(query('big.shop.svc.cluster.local', 'A'));
  assert.ok(!whole.flag_tc);
  assert.equal(whole.answers!.length, 100);
});

test('other names go upstream once and are then served from the cache; NXDOMAIN passes through', async () => {
  const before = up.asked.length;
  const first = (await udp(query('www.example.test', 'A'))).msg;
  assert.equal(rcode(first), 'NOERROR');
  assert.ok(!first.flag_aa);
  assert.deepEqual(values(first.answers), ['A "192.0.2.1"']);
  const second = await tcp(query('www.example.test', 'A'));
  assert.deepEqual(values(second.answers), ['A "192.0.2.1"']);
  // 60 s upstream TTL, served from a cache that keeps answers at most 30 s.
  assert.ok(((second.answers![0] as { ttl: number }).ttl) <= 60);
  assert.deepEqual(up.asked.slice(before), ['A www.example.test']);
  // Answers reused from the caches carry each query's own ID.
  for (const name of ['www.example.test', 'web.shop.svc.cluster.local']) {
    for (const id of [1, 2]) assert.equal((await udp(query(name, 'A', undefined, id))).msg.id, id);
  }
  const gone = (await udp(query('gone.example.test', 'A'))).msg;
  assert.equal(rcode(gone), 'NXDOMAIN');
  assert.equal(gone.authorities?.[0].type, 'SOA');
});

test('an ExternalName Service: the CNAME and the target\'s addresses from upstream', async () => {
  const msg = (await udp(query('ext.shop.svc.cluster.local', 'A'))).msg;
  assert.deepEqual(values(msg.answers), ['CNAME "api.example.test"', 'A "192.0.2.1"']);
});

test('malformed and unsupported messages: FORMERR, NOTIMP; no upstream: SERVFAIL', async () => {
  const two = packet.encode({ type: 'query', id: 7, questions: [{ name: 'a', type: 'A' }, { name: 'b', type: 'A' }] });
  assert.equal(rcode((await udp(two)).msg), 'FORMERR');
  const notify = Buffer.from(query('web.shop.svc.cluster.local', 'A'));
  notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2);
  assert.equal(rcode((await udp(notify)).msg), 'NOTIMP');
  const lonely = new DnsHandler(records(), { zone: 'cluster.local', ttl: 5, nameserverIPs: [] }, new Forwarder({ nameservers: [] }));
  assert.equal(rcode(packet.decode((await lonely.handle(query('www.example.test', 'A'), 'udp'))!)), 'SERVFAIL');
});
