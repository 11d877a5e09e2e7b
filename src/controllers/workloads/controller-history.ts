// ControllerRevisions: immutable snapshots of a StatefulSet's or DaemonSet's pod template, named
// `<parent>-<hash>`, numbered by revision, and shaped as the strategic merge patch that restores
// the template (`kubectl rollout undo` applies it as is).
import { isConflict } from '../../api/errors.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { RestClient } from '../../client/rest-client.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import { canonicalJson, computeHash } from './template-hash.js';
import type { ControllerRevision, PodTemplateSpec } from './types.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** The revision data of a template: a patch replacing spec.template wholesale. */
export function templatePatch(template: PodTemplateSpec): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(template), $patch: 'replace' } } };
}

/** The template a revision restores. */
export function templateOf(rev: ControllerRevision): PodTemplateSpec | undefined {
  const t = (rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return undefined;
  const { $patch: _, ...template } = t;
  return template as PodTemplateSpec;
}

export function revisionName(parent: string, hash: string): string {
  return `${parent.slice(0, 223)}-${hash}`;
}

export function hashRevision(data: unknown, collisionCount: number): string {
  return computeHash(data, collisionCount);
}

export function sameData(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data) === canonicalJson(b.data);
}

/** Ascending by revision, then creation, then name. */
export function sortRevisions(revs: ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort((a, b) => a.revision - b.revision
    || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')
    || a.metadata.name!.localeCompare(b.metadata.name!));
}

export function nextRevisionNumber(revs: ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
}

/** A revision not yet stored: template labels plus the hash label, owned by `parent`. */
export function newRevision(parent: KubeObject, ref: OwnerReference, template: PodTemplateSpec, revision: number, collisionCount: number): ControllerRevision {
  const data = templatePatch(template);
  const hash = hashRevision(data, collisionCount);
  const rev: ControllerRevision = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: {
      name: revisionName(parent.metadata.name!, hash),
      namespace: parent.metadata.namespace,
      labels: { ...template.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [ref],
    },
    data,
    revision,
  };
  if (parent.metadata.annotations) rev.metadata.annotations = { ...parent.metadata.annotations };
  return rev;
}

/**
 * Stores `rev`; if its name is taken by different data, bumps the collision count and rehashes
 * until it fits (upstream realHistory.CreateControllerRevision).
 */
export async function createRevision(client: RestClient, parent: KubeObject, rev: ControllerRevision, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const ns = parent.metadata.namespace!;
  for (let count = collisionCount; ; count++) {
    const hash = hashRevision(rev.data, count);
    const candidate: ControllerRevision = { ...rev, metadata: { ...rev.metadata, name: revisionName(parent.metadata.name!, hash), labels: { ...rev.metadata.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash } } };
    try {
      return { revision: await client.create<ControllerRevision>(collectionPath(R.controllerrevisions, ns), candidate), collisionCount: count };
    } catch (err) {
      if (!isConflict(err)) throw err;
      const existing = await client.get<ControllerRevision>(objectPath(R.controllerrevisions, ns, candidate.metadata.name!));
      if (sameData(existing, candidate)) return { revision: existing, collisionCount: count };
    }
  }
}

/** Renumbers an existing revision (a rollback to it makes it the newest). */
export async function setRevisionNumber(client: RestClient, rev: ControllerRevision, revision: number): Promise<ControllerRevision> {
  if (rev.revision === revision) return rev;
  return client.patch<ControllerRevision>(objectPath(R.controllerrevisions, rev.metadata.namespace, rev.metadata.name!), { revision }, 'merge');
}

export async function deleteRevision(client: RestClient, rev: ControllerRevision): Promise<void> {
  await ignoreNotFound(client.delete(objectPath(R.controllerrevisions, rev.metadata.namespace, rev.metadata.name!), { preconditions: { uid: rev.metadata.uid } }));
}
