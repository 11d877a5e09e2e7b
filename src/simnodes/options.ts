// What one sim-nodes process simulates: node shape, naming, labels, taints and timings. Parsing of
// the `k=v` and `k=v:Effect` lists lives here so the command and tests share it.

export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }

export interface SimNodeOptions {
  count: number;
  namePrefix: string;
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
  labels: Record<string, string>;
  taints: Taint[];
  /** Zones the nodes are spread over round-robin (topology.kubernetes.io/zone). */
  zones: string[];
  /** How long a pod with restartPolicy Never/OnFailure runs before it succeeds. */
  jobDurationMs: number;
  leaseDurationSeconds: number;
  heartbeatIntervalMs: number;
  /** How long to wait for the pod-CIDR controller before falling back to an index-derived range. */
  podCidrWaitMs: number;
  /** Maximum API requests in flight. */
  concurrency: number;
  /**
   * Each node acts as system:node:<name> with its own client certificate (obtained through a
   * kube-apiserver-client-kubelet CSR); false: every node writes with the process's kubeconfig.
   */
  nodeIdentities: boolean;
}

export class OptionError extends Error {}

export const DEFAULTS: SimNodeOptions = {
  count: 1, namePrefix: 'sim-', cpu: '4', memory: '16Gi', pods: '110', ephemeralStorage: '100Gi',
  labels: {}, taints: [], zones: ['zone-a', 'zone-b', 'zone-c'], jobDurationMs: 2000,
  leaseDurationSeconds: 40, heartbeatIntervalMs: 10_000, podCidrWaitMs: 5000, concurrency: 64,
  nodeIdentities: true,
};

export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map(s => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new OptionError(`invalid label "${part}": must be key=value`);
    labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return labels;
}

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** `key=value:Effect` or `key:Effect`, comma separated, as `kubectl taint` writes them. */
export function parseTaints(text: string): Taint[] {
  return text.split(',').map(s => s.trim()).filter(Boolean).map(part => {
    const m = part.match(/^([^=:]+)(?:=([^:]*))?:(.+)$/);
    if (!m || !EFFECTS.has(m[3])) throw new OptionError(`invalid taint "${part}": must be key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
    return { key: m[1], ...(m[2] ? { value: m[2] } : {}), effect: m[3] as Taint['effect'] };
  });
}
