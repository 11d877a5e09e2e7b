// The cluster DNS's Prometheus metrics, named as CoreDNS's prometheus plugin names them (what
// dashboards and alerts for kube-dns expect): requests by protocol and query type, responses by
// rcode, and request durations, served at http://<node address>:9153/metrics.
import type { Server } from 'node:http';
import { componentRegistry, Counter, Histogram, listenMetrics } from '../metrics/registry.js';
import type { Logger } from '../util/log.js';
import type { Transport } from './dns-handler.js';

export const DNS_METRICS_PORT = 9153;

const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR', 65: 'HTTPS', 255: 'ANY' };
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

/** The query type of a raw DNS message's first question, as CoreDNS labels it ("other" for the rest). */
export function queryType(msg: Buffer): string {
  let at = 12;
  while (at < msg.length) {
    const len = msg[at]!;
    if (len === 0) break;
    // A compression pointer cannot appear in the first name of a query; give up on one.
    if (len >= 0xc0) return 'other';
    at += len + 1;
  }
  if (at + 3 > msg.length) return 'other';
  return TYPES[msg.readUInt16BE(at + 1)] ?? 'other';
}

export function responseCode(msg: Buffer): string {
  return msg.length >= 4 ? RCODES[msg[3]! & 0x0f] ?? String(msg[3]! & 0x0f) : 'SERVFAIL';
}

export class DnsMetrics {
  readonly registry = componentRegistry();
  private readonly requests = new Counter({
    name: 'coredns_dns_requests_total', help: 'Counter of DNS requests made per zone, protocol and family.',
    labelNames: ['server', 'zone', 'view', 'proto', 'family', 'type'], registers: [this.registry],
  });
  private readonly responses = new Counter({
    name: 'coredns_dns_responses_total', help: 'Counter of response status codes.',
    labelNames: ['server', 'zone', 'view', 'rcode', 'plugin'], registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'coredns_dns_request_duration_seconds', help: 'Histogram of the time (in seconds) each request took per zone.',
    labelNames: ['server', 'zone', 'view', 'type'], registers: [this.registry],
    buckets: [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192],
  });

  /** @param server CoreDNS's server label, e.g. dns://10.99.0.2:53 */
  constructor(private readonly server: string, private readonly family: '1' | '2') {}

  /** Counts one query and, when it is answered, its response and duration. */
  async observe(query: Buffer, transport: Transport, answer: Promise<Buffer | undefined>): Promise<Buffer | undefined> {
    const started = performance.now();
    const type = queryType(query);
    this.requests.inc({ server: this.server, zone: '.', view: '', proto: transport, family: this.family, type });
    const out = await answer;
    if (out) {
      this.responses.inc({ server: this.server, zone: '.', view: '', rcode: responseCode(out), plugin: '' });
      this.duration.observe({ server: this.server, zone: '.', view: '', type }, (performance.now() - started) / 1000);
    }
    return out;
  }

  /** Serves /metrics; a failure to listen is logged, not fatal (DNS itself does not need it). */
  serve(address: string, port: number, log: Logger): Server {
    return listenMetrics(this.registry, address, port, err => log('cluster DNS metrics server failed', { address, port, error: err.message }));
  }
}
