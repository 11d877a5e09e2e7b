// The cluster DNS's answers, as the Kubernetes DNS specification (kubernetes/dns
// docs/specification.md, schema 1.1.0) defines them and CoreDNS's kubernetes plugin gives them.
// Pure: a question and the cluster's records in, answer sections and rcode out. Names outside the
// cluster domain (and reverse names of IPs the cluster does not know) are left to the forwarder.
//
//   <svc>.<ns>.svc.<zone>                A/AAAA: the cluster IPs; headless: every ready endpoint
//                                        ExternalName: CNAME to the external name
//   <host>.<svc>.<ns>.svc.<zone>         A/AAAA of the endpoint whose hostname (or dashed IP) is <host>
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV per matching named port (headless: per endpoint)
//   <a-b-c-d>.<ns>.pod.<zone>            A (pods "insecure": any well-formed IP in an existing namespace)
//   <d>.<c>.<b>.<a>.in-addr.arpa         PTR of a cluster IP, else of an endpoint IP
//   dns-version.<zone>                   TXT "1.1.0"
// A name that does not exist is NXDOMAIN, a name without records of the asked type NODATA; both
// carry the zone's SOA in the authority section, whose minimum is the negative-caching TTL.
import type { Answer, RecordType } from 'dns-packet';
import type { ClusterRecords, DnsEndpoint, DnsService } from './cluster-records.js';

export const DNS_SCHEMA_VERSION = '1.1.0';
/** CoreDNS's default TTL for cluster answers (and the SOA minimum). */
export const DEFAULT_TTL = 5;
const VERSION_TTL = 28800;
/** Bounds CNAME chains between ExternalName Services. */
const MAX_CHASE = 8;

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';

export interface Question { name: string; type: RecordType; class?: string }

export interface ClusterAnswer {
  kind: 'answer';
  rcode: Rcode;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** A CNAME left the cluster: the server resolves this name (of the asked type) upstream and appends it. */
  chase?: string;
}

export type Resolution = ClusterAnswer | { kind: 'forward' };

export interface ResolverConfig {
  /** The cluster domain, e.g. cluster.local (no trailing dot). */
  zone: string;
  ttl: number;
  /** The addresses `ns.dns.<zone>` answers with when kube-system/kube-dns has no cluster IP. */
  nameserverIPs: string[];
}

export function resolve(q: Question, records: ClusterRecords, cfg: ResolverConfig): Resolution {
  const name = q.name.replace(/\.$/, '');
  const lower = name.toLowerCase();
  const zone = cfg.zone.toLowerCase();
  if (lower === zone || lower.endsWith(`.${zone}`)) {
    if ((q.class ?? 'IN') !== 'IN') return empty('REFUSED');
    return new ZoneResolver(records, cfg).answer(name, q.type, 0);
  }
  if (q.type === 'PTR' && (lower.endsWith('.in-addr.arpa') || lower.endsWith('.ip6.arpa'))) {
    const ptr = reverse(name, records, cfg);
    if (ptr) return ptr;
  }
  return { kind: 'forward' };
}

function empty(rcode: Rcode): ClusterAnswer {
  return { kind: 'answer', rcode, answers: [], authorities: [], additionals: [] };
}

const isV4 = (ip: string) => !ip.includes(':');

function reverse(name: string, records: ClusterRecords, cfg: ResolverConfig): ClusterAnswer | undefined {
  const ip = reverseToIP(name.toLowerCase());
  if (!ip) return undefined;
  const svc = records.serviceByClusterIP(ip);
  const targets = svc
    ? [serviceName(svc.name, svc.namespace, cfg.zone)]
    : records.endpointsByIP(ip).map(({ service, endpoint }) => `${endpointHostname(endpoint)}.${serviceName(service.name, service.namespace, cfg.zone)}`);
  if (!targets.length) return undefined;
  return { ...empty('NOERROR'), answers: [...new Set(targets)].map(t => ({ name, type: 'PTR', ttl: cfg.ttl, class: 'IN', data: t })) };
}

/** `4.3.2.1.in-addr.arpa` → 1.2.3.4; nibble-reversed ip6.arpa → the IPv6 address (canonical form). */
export function reverseToIP(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every(p => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.reverse().join('.');
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every(n => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    return canonicalV6(Array.from({ length: 8 }, (_, i) => hex.slice(i * 4, i * 4 + 4)).join(':'));
  }
  return undefined;
}

function canonicalV6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

export const serviceName = (svc: string, ns: string, zone: string) => `${svc}.${ns}.svc.${zone}`;

/** An endpoint's DNS label: its hostname, else its IP with dashes (CoreDNS's endpoint names). */
export function endpointHostname(e: DnsEndpoint): string {
  return e.hostname ?? e.ip.replace(/[.:]/g, '-');
}

/** `1-2-3-4` → 1.2.3.4, `fd00--1` → fd00::1 (CoreDNS's pod names); undefined if not an IP. */
export function dashedToIP(label: string): string | undefined {
  if (/^\d{1,3}(-\d{1,3}){3}$/.test(label)) {
    const ip = label.replaceAll('-', '.');
    return ip.split('.').every(p => Number(p) <= 255 && /^(0|[1-9]\d*)$/.test(p)) ? ip : undefined;
  }
  if (!/^[0-9a-f-]+$/.test(label) || !label.includes('-')) return undefined;
  try {
    return canonicalV6(label.replaceAll('-', ':'));
  } catch {
    return undefined;
  }
}

class ZoneResolver {
  constructor(private readonly records: ClusterRecords, private readonly cfg: ResolverConfig) {}

  answer(name: string, type: RecordType, depth: number): ClusterAnswer {
    const found = this.lookup(name, type);
    if (found === 'nxdomain') return this.negative('NXDOMAIN');
    const { answers, additionals } = found;
    const cname = answers.find(a => a.type === 'CNAME');
    if (cname && type !== 'CNAME') {
      const target = (cname as { data: string }).data;
      const lower = target.toLowerCase();
      const zone = this.cfg.zone.toLowerCase();
      if (!(lower === zone || lower.endsWith(`.${zone}`))) return { ...empty('NOERROR'), answers, chase: target };
      if (depth >= MAX_CHASE) return { ...empty('SERVFAIL'), answers };
      const next = this.answer(target, type, depth + 1);
      return { ...next, answers: [...answers, ...next.answers] };
    }
    const matching = answers.filter(a => a.type === type);
    if (!matching.length) return this.negative('NOERROR');
    // Additional addresses belong to the SRV targets and the NS name only.
    return { ...empty('NOERROR'), answers: matching, additionals: type === 'SRV' || type === 'NS' ? additionals : [] };
  }

  private negative(rcode: Rcode): ClusterAnswer {
    return { ...empty(rcode), authorities: [this.soa()] };
  }

  private soa(): Answer {
    const zone = this.cfg.zone;
    return {
      name: zone, type: 'SOA', ttl: this.cfg.ttl, class: 'IN',
      data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: this.records.generation >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: this.cfg.ttl },
    };
  }

  private nameserverIPs(): string[] {
    const dns = this.records.service('kube-system', 'kube-dns');
    return dns?.clusterIPs.length ? dns.clusterIPs : this.cfg.nameserverIPs;
  }

  /** Every record at `name` relevant to `type` (records of other types tell NODATA from NXDOMAIN). */
  private lookup(name: string, type: RecordType): { answers: Answer[]; additionals: Answer[] } | 'nxdomain' {
    const zone = this.cfg.zone;
    const rel = name.slice(0, Math.max(0, name.length - zone.length - 1)).toLowerCase();
    const labels = rel ? rel.split('.') : [];
    const ttl = this.cfg.ttl;
    const none = { answers: [], additionals: [] };
    const ips = (addrs: string[]) => ({ answers: addrs.map(ip => this.address(name, ip)), additionals: [] });
    if (!labels.length) {
      if (type === 'SOA') return { answers: [this.soa()], additionals: [] };
      if (type === 'NS') return { answers: [{ name, type: 'NS', ttl, class: 'IN', data: `ns.dns.${zone}` }], additionals: this.nameserverIPs().map(ip => this.address(`ns.dns.${zone}`, ip)) };
      return none;
    }
    if (rel === 'dns-version') return { answers: [{ name, type: 'TXT', ttl: VERSION_TTL, class: 'IN', data: DNS_SCHEMA_VERSION }], additionals: [] };
    if (rel === 'ns.dns') return ips(this.nameserverIPs());
    if (rel === 'dns') return none;
    const kind = labels[labels.length - 1];
    if (kind !== 'svc' && kind !== 'pod') return 'nxdomain';
    if (labels.length === 1) return none;
    const namespace = labels[labels.length - 2];
    if (!this.records.namespaceExists(namespace)) return 'nxdomain';
    const rest = labels.slice(0, -2);
    if (!rest.length) return none;
    if (kind === 'pod') {
      const ip = rest.length === 1 ? dashedToIP(rest[0]) : undefined;
      return ip ? ips([ip]) : 'nxdomain';
    }
    const svc = this.records.service(namespace, rest[rest.length - 1]);
    if (!svc) return 'nxdomain';
    const prefix = rest.slice(0, -1);
    if (svc.externalName) return prefix.length ? 'nxdomain' : { answers: [{ name, type: 'CNAME', ttl, class: 'IN', data: svc.externalName }], additionals: [] };
    if (!prefix.length) return this.serviceRecords(name, svc, undefined);
    if (prefix.length === 1) {
      const matches = this.records.endpoints(svc.namespace, svc.name).filter(e => endpointHostname(e) === prefix[0]);
      return matches.length ? ips(matches.map(e => e.ip)) : 'nxdomain';
    }
    if (prefix.length === 2 && prefix[0].startsWith('_') && prefix[1].startsWith('_')) {
      return this.serviceRecords(name, svc, { port: prefix[0].slice(1), protocol: prefix[1].slice(1) });
    }
    return 'nxdomain';
  }

  /** A, AAAA and SRV records of a Service, or only those of one named port and protocol. */
  private serviceRecords(name: string, svc: DnsService, only: { port: string; protocol: string } | undefined) {
    const matches = (p: { name: string; protocol: string }) => !only || (p.name.toLowerCase() === only.port && p.protocol.toLowerCase() === only.protocol);
    const zone = this.cfg.zone;
    const svcName = serviceName(svc.name, svc.namespace, zone);
    const targets: { target: string; ip: string; port: number }[] = [];
    const addresses: string[] = [];
    if (svc.headless) {
      for (const e of this.records.endpoints(svc.namespace, svc.name)) {
        const ports = e.ports.filter(matches);
        if (only && !ports.length) continue;
        addresses.push(e.ip);
        for (const p of ports) targets.push({ target: `${endpointHostname(e)}.${svcName}`, ip: e.ip, port: p.port });
      }
    } else {
      const ports = svc.ports.filter(matches);
      if (!only || ports.length) addresses.push(...svc.clusterIPs);
      for (const p of ports) for (const ip of svc.clusterIPs) targets.push({ target: svcName, ip, port: p.port });
    }
    // A headless Service without ready endpoints (or a port nobody serves) has no name at all.
    if (!addresses.length) return 'nxdomain' as const;
    const answers: Answer[] = [...new Set(addresses)].map(ip => this.address(name, ip));
    const additionals: Answer[] = [];
    const srvSeen = new Set<string>();
    const weight = Math.floor(100 / Math.max(1, new Set(targets.map(t => `${t.target}:${t.port}`)).size));
    for (const t of targets) {
      const k = `${t.target}:${t.port}`;
      if (srvSeen.has(k)) continue;
      srvSeen.add(k);
      answers.push({ name, type: 'SRV', ttl: this.cfg.ttl, class: 'IN', data: { priority: 0, weight, port: t.port, target: t.target } });
    }
    const extraSeen = new Set<string>();
    for (const t of targets) {
      if (extraSeen.has(`${t.target}/${t.ip}`)) continue;
      extraSeen.add(`${t.target}/${t.ip}`);
      additionals.push(this.address(t.target, t.ip));
    }
    return { answers, additionals };
  }

  private address(name: string, ip: string): Answer {
    return { name, type: isV4(ip) ? 'A' : 'AAAA', ttl: this.cfg.ttl, class: 'IN', data: ip };
  }
}
