// A stand-in for the nodes' upstream resolver, for cluster DNS tests (started by the test inside a
// namespace it created). Usage: node upstream-dns-main.js ADDRESS
// Answers A for names under example.test with 192.0.2.10 (TTL 300), NXDOMAIN (with an SOA) for
// others; prints `asked TYPE NAME` for every question, and `listening` once serving.
import * as packet from 'dns-packet';
import { DnsServer } from '../../../src/dns/server.js';

const UPSTREAM_ANSWER = '192.0.2.10';

const server = new DnsServer({
  address: process.argv[2], port: 53, log: (msg, fields) => console.error(JSON.stringify({ msg, ...fields })),
  async handle(buf) {
    const q = packet.decode(buf);
    const question = q.questions?.[0];
    if (!question) return undefined;
    process.stdout.write(`asked ${question.type} ${question.name}\n`);
    const known = question.name.endsWith('.example.test');
    return packet.encode({
      type: 'response', id: q.id, flags: packet.RECURSION_AVAILABLE | (known ? 0 : 3), questions: q.questions,
      answers: known && question.type === 'A' ? [{ name: question.name, type: 'A', ttl: 300, data: UPSTREAM_ANSWER }] : [],
      authorities: known && question.type === 'A' ? [] : [{ name: 'test', type: 'SOA', ttl: 60, data: { mname: 'ns.test', rname: 'hostmaster.test', minimum: 60 } }],
    });
  },
});
await server.start();
process.stdout.write('listening\n');
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
