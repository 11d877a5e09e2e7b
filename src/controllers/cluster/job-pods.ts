// How the Job controller judges its pods: finished or failed as upstream counts them, which
// podFailurePolicy rule a failed pod matches, completion indexes and their interval notation, and
// the exponential backoff between failed attempts.
import type { Job, PodFailurePolicyRule } from './job-types.js';
import { COMPLETION_INDEX } from './job-types.js';
import { isPodReady } from '../../api/pod-state.js';
import type { Pod } from './types.js';

export const BACKOFF_BASE_MS = 10_000;
export const BACKOFF_MAX_MS = 10 * 60_000;

/** Only pods in phase Failed count as failed when the job asks for it (podFailurePolicy). */
export function isPodFailed(pod: Pod, job: Job): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed') return true;
  if (job.spec.podFailurePolicy) return false;
  // A pod deleted before it finished is a failed attempt; this also covers orphaned pods.
  return !!pod.metadata.deletionTimestamp && phase !== 'Succeeded';
}

export interface PolicyMatch {
  action: PodFailurePolicyRule['action'];
  /** Upstream's wording of why the rule matched. */
  message: string;
}

/** The first podFailurePolicy rule matching a failed pod, as upstream's matchPodFailurePolicy. */
export function matchPodFailurePolicy(job: Job, pod: Pod): PolicyMatch | undefined {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  const who = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [i, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      for (const cs of pod.status?.containerStatuses ?? []) {
        const code = cs.state?.terminated?.exitCode;
        // Exit code 0 is success and never matches either operator.
        if (code === undefined || code === 0) continue;
        if (req.containerName && req.containerName !== cs.name) continue;
        const inValues = req.values.includes(code);
        if (req.operator === 'In' ? inValues : !inValues) {
          return { action: rule.action, message: `Container ${cs.name} for pod ${who} failed with exit code ${code} matching ${rule.action} rule at index ${i}` };
        }
      }
    }
    for (const pc of rule.onPodConditions ?? []) {
      const want = pc.status ?? 'True';
      if (pod.status?.conditions?.some(c => c.type === pc.type && c.status === want)) {
        return { action: rule.action, message: `Pod ${who} has condition ${pc.type} matching ${rule.action} rule at index ${i}` };
      }
    }
  }
  return undefined;
}

/** The completion index of an Indexed job's pod, from its annotation (or label). */
export function podIndex(pod: Pod): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** Parses `status.completedIndexes` ("1,3-5"). */
export function parseIndexes(s: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.add(i);
  }
  return out;
}

/** Formats indexes as upstream: sorted, consecutive runs as `first-last`. */
export function formatIndexes(set: Set<number>): string {
  const sorted = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Delay before the next pod after `failures` consecutive failures: 10s doubling, at most 10 min. */
export function backoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
}

/** Pods to delete first when there are too many: unassigned, then not ready, then the youngest. */
export function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod) => (p.spec?.nodeName ? 0 : 2) + (isPodReady(p) ? 0 : 1);
  return rank(b) - rank(a) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}
