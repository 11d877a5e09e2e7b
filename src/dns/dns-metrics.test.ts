import assert from 'node:assert/strict';
import { test } from 'node:test';
import packet from 'dns-packet';
import { parseExposition, series } from '../metrics/testing/prometheus-text.js';
import { DnsMetrics, queryType, responseCode } from './dns-metrics.js';

const query = (type: string) => packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type: type as 'A', name: 'web.shop.svc.cluster.local' }] });

test('the query type and rcode are read from the raw messages', () => {
  assert.equal(queryType(query('A')), 'A');
  assert.equal(queryType(query('SRV')), 'SRV');
  assert.equal(queryType(query('CAA')), 'other');
  assert.equal(queryType(Buffer.alloc(5)), 'other');
  const nx = packet.encode({ type: 'response', id: 7, flags: packet.AUTHORITATIVE_ANSWER | 3, questions: [] });
  assert.equal(responseCode(nx), 'NXDOMAIN');
});

test('each query is counted with CoreDNS\'s names and labels; one that gets no answer has no response', async () => {
  const m = new DnsMetrics('dns://10.99.0.2:53', '1');
  const ok = packet.encode({ type: 'response', id: 7, questions: [] });
  await m.observe(query('A'), 'udp', Promise.resolve(ok));
  await m.observe(query('A'), 'tcp', Promise.resolve(undefined));
  const families = parseExposition(await m.registry.metrics());
  const server = 'dns://10.99.0.2:53';
  const one = (name: string, labels: Record<string, string>) => assert.deepEqual(series(families, name, labels).map(s => s.value), [1], name);
  one('coredns_dns_requests_total', { family: '1', proto: 'udp', server, type: 'A', view: '', zone: '.' });
  one('coredns_dns_requests_total', { family: '1', proto: 'tcp', server, type: 'A', view: '', zone: '.' });
  one('coredns_dns_responses_total', { plugin: '', rcode: 'NOERROR', server, view: '', zone: '.' });
  one('coredns_dns_request_duration_seconds_count', { server, type: 'A', view: '', zone: '.' });
  assert.equal(families.get('coredns_dns_request_duration_seconds')?.type, 'histogram');
  assert.equal(series(families, 'process_resident_memory_bytes').length, 1);
});
