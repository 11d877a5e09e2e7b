// Whether a computed pod status differs from the one reported, so that an unchanged status is
// not written again.
import type { ContainerStatus, PodStatus } from '../api/types/generated.js';

/**
 * Whether two statuses differ in what the kubelet reports (transition times aside), compared
 * canonically so that a status read back from the API server, keys in any order, equals the one sent.
 */
export function statusChanged(a: PodStatus | undefined, b: PodStatus): boolean {
  return canonicalJson(normalise(a ?? {})) !== canonicalJson(normalise(b));
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function normalise(s: PodStatus): unknown {
  const cs = (l?: ContainerStatus[]) => (l ?? []).map(c => ({ ...c, lastState: c.lastState ?? {} }));
  return {
    phase: s.phase, podIP: s.podIP, podIPs: s.podIPs, hostIP: s.hostIP, reason: s.reason, message: s.message,
    conditions: (s.conditions ?? []).map(c => [c.type, c.status, c.reason ?? '', c.message ?? '']).sort(),
    containerStatuses: cs(s.containerStatuses), initContainerStatuses: cs(s.initContainerStatuses),
  };
}
