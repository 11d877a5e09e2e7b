// What the proxier asks of a data plane: make the kernel hold the rules for these service ports,
// rewriting only what changed since the last sync unless told to take over everything (a full
// sync), and remove what another mode left behind. iptables-backend.ts and nft/backend.ts are the two.
import type { ServicePortInfo } from './service-ports.js';
import type { HealthCheckInfo, NodeFacts } from './types.js';

export type ProxyMode = 'iptables' | 'nftables';
export const PROXY_MODES: ProxyMode[] = ['iptables', 'nftables'];

export interface BackendSyncResult {
  chainsWritten: number;
  chainsDeleted: number;
  /** healthCheckNodePort → what it reports. */
  healthChecks: Map<number, HealthCheckInfo>;
  /** Rules kube-proxy owns per iptables table (kubeproxy_sync_proxy_rules_iptables_total); iptables mode only. */
  iptablesRules?: Record<string, number>;
}

export interface ProxyBackend {
  readonly mode: ProxyMode;
  sync(ports: ServicePortInfo[], node: NodeFacts, full: boolean): Promise<BackendSyncResult>;
  /** Deletes the other modes' rules (as upstream's kube-proxy does at start); returns what it removed. */
  removeOtherModes(): Promise<string[]>;
}
