// The kubelet's DNS configurer: reads the node's resolv.conf (--resolv-conf) each time a pod's
// sandbox config is formed, as upstream does (an edited file applies to the next pod), computes the
// pod's resolver config (dns-config.ts) and records its warnings as Events — each distinct warning
// once per pod, since the config is formed at every container start.
import { readFileSync } from 'node:fs';
import type { EventRecorder } from '../client/event-recorder.js';
import { LruMap } from '../util/lru-map.js';
import { parseResolvConf } from '../util/resolv-conf.js';
import type { DnsSettings } from './cri-config.js';
import type { DNSConfig } from './cri/types.js';
import { podDnsConfig } from './dns-config.js';
import { nodeEventRef } from '../api/node-object.js';
import type { PodObject } from './types.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';

export interface KubeletDnsOptions {
  /** --cluster-dns: the cluster DNS servers' IPs; none: ClusterFirst pods use the node's resolvers. */
  clusterDNS?: string[];
  /** --cluster-domain (default cluster.local). */
  clusterDomain?: string;
  /** --resolv-conf (default /etc/resolv.conf); "" means the node has no resolver config. */
  resolvConf?: string;
}

export class PodDnsError extends Error {}

export class PodDnsConfigurer implements DnsSettings {
  /** Per pod uid, the warnings already recorded. */
  private readonly warned = new LruMap<string, Set<string>>(1000);

  constructor(private readonly o: KubeletDnsOptions & { nodeName: string; nodeIPs: () => string[]; recorder: EventRecorder }) {}

  forPod(pod: PodObject): DNSConfig {
    const path = this.o.resolvConf ?? DEFAULT_RESOLV_CONF;
    let host;
    if (path) {
      try {
        host = parseResolvConf(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new PodDnsError(`cannot read the node's resolver config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    const { config, warnings } = podDnsConfig(pod, {
      clusterDNS: this.o.clusterDNS ?? [], clusterDomain: this.o.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, host, nodeIPs: this.o.nodeIPs(),
    });
    const uid = pod.metadata.uid ?? '';
    const seen = this.warned.get(uid) ?? new Set<string>();
    for (const w of warnings) {
      const key = `${w.about}/${w.reason}/${w.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const about = w.about === 'node' ? nodeEventRef(this.o.nodeName) : { ...pod, apiVersion: 'v1', kind: 'Pod' };
      this.o.recorder.event(about, 'Warning', w.reason, w.message);
    }
    if (warnings.length) this.warned.set(uid, seen);
    return config;
  }
}
