// A pod's resolver configuration, as upstream's kubelet forms it (pkg/kubelet/network/dns): the CRI
// DNSConfig from which containerd writes the pod's /etc/resolv.conf. dnsPolicy picks the base —
// ClusterFirst: the cluster DNS, the cluster search path plus the node's, `ndots:5`;
// ClusterFirstWithHostNet the same for host-network pods; Default (and ClusterFirst on the host
// network, or without a cluster DNS): the node's resolv.conf; None: nothing — then the pod's
// dnsConfig is appended and the result cut to what resolvers accept. Pure: warnings are returned
// for the caller to record as Events.
import { MAX_DNS_NAMESERVERS, MAX_DNS_SEARCH_LIST_CHARS, MAX_DNS_SEARCH_PATHS } from '../api/validation/pod.js';
import type { DNSConfig } from './cri/types.js';
import { podDescription, type PodObject } from './types.js';
import type { ResolvConf } from '../util/resolv-conf.js';

/** Some resolvers (glibc 2.28) abort on a longer search path. */
const MAX_SEARCH_PATH_CHARS = 253;
const DEFAULT_OPTIONS = ['ndots:5'];

export interface PodDnsInputs {
  /** The kubelet's --cluster-dns; empty: ClusterFirst pods fall back to the node's resolv.conf. */
  clusterDNS: string[];
  /** The kubelet's --cluster-domain; empty: no cluster search path. */
  clusterDomain: string;
  /** The node's resolv.conf (--resolv-conf); undefined when that flag is "" (no host resolver). */
  host: ResolvConf | undefined;
  /** The node's IPs: with no host resolver, pods ask the loopback of their family. */
  nodeIPs: string[];
}

export interface DnsWarning {
  /** Whom the Event is about: the pod, or the node (upstream records MissingClusterDNS on both). */
  about: 'pod' | 'node';
  reason: 'DNSConfigForming' | 'MissingClusterDNS';
  message: string;
}

export interface PodDns {
  config: DNSConfig;
  warnings: DnsWarning[];
}

type Base = 'cluster' | 'host' | 'none';

function base(pod: PodObject): Base {
  switch (pod.spec.dnsPolicy ?? 'ClusterFirst') {
    case 'None': return 'none';
    case 'ClusterFirstWithHostNet': return 'cluster';
    case 'Default': return 'host';
    case 'ClusterFirst': return pod.spec.hostNetwork ? 'host' : 'cluster';
    // The API server rejects other values; upstream treats them as ClusterFirst.
    default: return 'cluster';
  }
}

export function podDnsConfig(pod: PodObject, o: PodDnsInputs): PodDns {
  const warnings: DnsWarning[] = [];
  const host = { servers: [...(o.host?.nameservers ?? [])], searches: [...(o.host?.searches ?? [])], options: [...(o.host?.options ?? [])] };
  let kind = base(pod);
  let config: Required<DNSConfig> = host;
  if (kind === 'none') config = { servers: [], searches: [], options: [] };
  if (kind === 'cluster') {
    if (o.clusterDNS.length) {
      const d = o.clusterDomain;
      config = {
        servers: [...o.clusterDNS],
        searches: d ? unique([`${pod.metadata.namespace}.svc.${d}`, `svc.${d}`, d, ...host.searches]) : host.searches,
        options: [...DEFAULT_OPTIONS],
      };
    } else {
      const message = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
      warnings.push({ about: 'node', reason: 'MissingClusterDNS', message });
      warnings.push({ about: 'pod', reason: 'MissingClusterDNS', message: `pod: "${podDescription(pod)}". ${message}` });
      kind = 'host';
    }
  }
  // Without a host resolv.conf, "use the nameserver on the local machine", as the BIND docs put it.
  if (kind === 'host' && !o.host) {
    const loopbacks = o.nodeIPs.map(ip => (ip.includes(':') ? '::1' : '127.0.0.1'));
    config = { servers: loopbacks.length ? loopbacks : ['127.0.0.1'], searches: ['.'], options: [] };
  }
  const custom = pod.spec.dnsConfig;
  if (custom) {
    config = {
      servers: unique([...config.servers, ...(custom.nameservers ?? [])]),
      searches: unique([...config.searches, ...(custom.searches ?? [])]),
      options: mergeOptions(config.options, custom.options ?? []),
    };
  }
  return { config: { servers: fitNameservers(config.servers, warnings), searches: fitSearches(config.searches, warnings), options: config.options }, warnings };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** `name:value` options; the pod's entries replace the base's of the same name. */
function mergeOptions(existing: string[], pod: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const colon = op.indexOf(':');
    byName.set(colon < 0 ? op : op.slice(0, colon), colon < 0 ? '' : op.slice(colon + 1));
  }
  for (const op of pod) byName.set(op.name ?? '', op.value ?? '');
  return [...byName].map(([name, value]) => (value ? `${name}:${value}` : name));
}

function fitNameservers(servers: string[], warnings: DnsWarning[]): string[] {
  if (servers.length <= MAX_DNS_NAMESERVERS) return servers;
  const kept = servers.slice(0, MAX_DNS_NAMESERVERS);
  warnings.push({ about: 'pod', reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${kept.join(' ')}` });
  return kept;
}

function fitSearches(searches: string[], warnings: DnsWarning[]): string[] {
  let kept = searches.slice(0, MAX_DNS_SEARCH_PATHS).filter(s => s.length <= MAX_SEARCH_PATH_CHARS);
  let exceeded = kept.length !== searches.length;
  // Drop from the end until the line fits (the joining spaces count).
  while (kept.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    kept = kept.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) {
    warnings.push({ about: 'pod', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${kept.join(' ')}` });
  }
  return kept;
}
