import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as packet from 'dns-packet';
import { compressNames } from './compress.js';

test('compressed owner names decode to the same message, and smaller', () => {
  const name = 'db.shop.svc.cluster.local';
  const msg = {
    type: 'response' as const, id: 9, flags: packet.AUTHORITATIVE_ANSWER, questions: [{ name, type: 'SRV' as const, class: 'IN' as const }],
    answers: Array.from({ length: 20 }, (_, i) => ({ name, type: 'SRV' as const, ttl: 5, class: 'IN' as const, data: { priority: 0, weight: 5, port: 5432, target: `db-${i}.${name}` } })),
    authorities: [{ name: 'cluster.local', type: 'SOA' as const, ttl: 5, class: 'IN' as const, data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } }],
    additionals: Array.from({ length: 20 }, (_, i) => ({ name: `db-${i}.${name}`, type: 'A' as const, ttl: 5, class: 'IN' as const, data: `10.42.0.${i}` })),
  };
  const plain = packet.encode(msg);
  const small = compressNames(plain);
  assert.ok(small.length < plain.length * 0.7, `${small.length} of ${plain.length}`);
  const a = packet.decode(plain);
  const b = packet.decode(small);
  assert.deepEqual(b.questions, a.questions);
  assert.deepEqual(b.answers, a.answers);
  assert.deepEqual(b.authorities, a.authorities);
  assert.deepEqual(b.additionals, a.additionals);
  // A records of a headless Service: the owner name is nearly all of each record.
  const a20 = packet.encode({ type: 'response', id: 2, questions: [{ name, type: 'A' }], answers: Array.from({ length: 20 }, (_, i) => ({ name, type: 'A' as const, ttl: 5, data: `10.42.0.${i}` })) });
  assert.ok(compressNames(a20).length < a20.length / 2);
  assert.equal(packet.decode(compressNames(a20)).answers!.length, 20);
  // Case is kept: a name differing in case is not a repeat.
  const mixed = packet.encode({ type: 'response', id: 1, questions: [{ name: 'Web.shop', type: 'A' }], answers: [{ name: 'web.shop', type: 'A', ttl: 5, data: '10.0.0.1' }] });
  assert.equal(packet.decode(compressNames(mixed)).answers![0].name, 'web.shop');
});
