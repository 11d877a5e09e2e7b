// A Deployment's ReplicaSets: which one is new (its template equals the Deployment's, ignoring the
// pod-template-hash label), their revisions, orderings, and the annotations the Deployment stamps
// on them.
import { canonicalJson } from './template-hash.js';
import {
  DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION, desiredReplicas, maxSurge,
} from './deployment-spec.js';
import type { Deployment, PodTemplateSpec, ReplicaSet } from './types.js';

/** Annotations of a Deployment that are never copied to its ReplicaSets (nor back by rollback). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** Upstream caps revision-history at this many characters. */
const MAX_REVISION_HISTORY_CHARS = 2000;

export function rsReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

export function withoutHashLabel(t: PodTemplateSpec): PodTemplateSpec {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

export function templatesEqualIgnoringHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

export function revisionOf(rs: ReplicaSet): number {
  const v = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return Number.isInteger(v) ? v : 0;
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function created(rs: ReplicaSet): number {
  return rs.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : 0;
}

/** Oldest first, ties by name (upstream ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
}

/** Lowest revision first, ties by creation. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** Largest first; among equals the newer (`newerFirst`) or the older first. */
export function bySize(newerFirst: boolean): (a: ReplicaSet, b: ReplicaSet) => number {
  return (a, b) => rsReplicas(b) - rsReplicas(a) || (newerFirst ? byCreation(b, a) : byCreation(a, b));
}

/** The oldest ReplicaSet whose template matches the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find(rs => templatesEqualIgnoringHash(rs.spec.template, d.spec.template));
}

export function activeReplicaSets(rss: ReplicaSet[]): ReplicaSet[] {
  return rss.filter(rs => rsReplicas(rs) > 0);
}

export function specReplicaSum(rss: ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + rsReplicas(rs), 0);
}

export function statusSum(rss: ReplicaSet[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);
}

/**
 * Stamps the Deployment's annotations and the revision on `rs` (mutating it). A ReplicaSet raised
 * to a newer revision (a rollback onto it) remembers its former revisions. New ReplicaSets also
 * get the replica annotations. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  const oldText = ann[REVISION_ANNOTATION];
  const old = oldText === undefined ? 0 : Number(oldText);
  if (!Number.isInteger(old)) return changed;
  if (old < newRevision) {
    ann[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = ann[REVISION_HISTORY_ANNOTATION] ? [...ann[REVISION_HISTORY_ANNOTATION].split(','), oldText] : [oldText];
      while (history.join(',').length > MAX_REVISION_HISTORY_CHARS && history.length > 1) history.shift();
      ann[REVISION_HISTORY_ANNOTATION] = history.join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Sets desired-replicas and max-replicas on `rs`; returns whether they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  if (ann[DESIRED_REPLICAS_ANNOTATION] === String(desired) && ann[MAX_REPLICAS_ANNOTATION] === String(max)) return false;
  ann[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  ann[MAX_REPLICAS_ANNOTATION] = String(max);
  return true;
}

export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION];
  return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
}
