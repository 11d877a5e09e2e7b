import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheTtl } from './forwarder.js';
import type { ResponseBody } from './message.js';

const body = (b: Partial<ResponseBody>): ResponseBody => ({ rcode: 'NOERROR', authoritative: false, answers: [], authorities: [], additionals: [], ...b });
const soa = (ttl: number, minimum: number) => ({ name: 'example.test', type: 'SOA' as const, ttl, data: { mname: 'ns', rname: 'h', minimum } });

test('cache lifetime: the smallest answer TTL, a negative answer its SOA\'s, at most 30 s; failures not at all', () => {
  assert.equal(cacheTtl(body({ answers: [{ name: 'a', type: 'A', ttl: 20, data: '1.2.3.4' }, { name: 'a', type: 'A', ttl: 7, data: '1.2.3.5' }] })), 7);
  assert.equal(cacheTtl(body({ answers: [{ name: 'a', type: 'A', ttl: 3600, data: '1.2.3.4' }] })), 30);
  assert.equal(cacheTtl(body({ rcode: 'NXDOMAIN', authorities: [soa(300, 12)] })), 12);
  assert.equal(cacheTtl(body({ authorities: [soa(4, 60)] })), 4);
  assert.equal(cacheTtl(body({})), 0);
  assert.equal(cacheTtl(body({ rcode: 'SERVFAIL' })), 0);
});
