// Namespace controller: empties a Terminating namespace — every namespaced resource discovered from
// the API is deleted — reports progress in the upstream status conditions, and once nothing is left
// removes the `kubernetes` finalizer through /finalize so the server can remove the namespace.
import { isNotFound, StatusError } from '../../api/errors.js';
import { nowTimestamp } from '../../api/object.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Controller, ControllerContext } from '../types.js';
import { setCondition } from '../../api/conditions.js';
import { Discovery, type DiscoveredResource } from './discovery.js';
import type { Condition } from './types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { errorMessage } from '../../util/error-message.js';
import { jsonEqual } from '../../util/json-equal.js';

const FINALIZER = 'kubernetes';
const RECHECK_MS = 1_000;

interface Namespace {
  metadata: { name?: string; deletionTimestamp?: string; resourceVersion?: string };
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: Condition[] };
  [k: string]: unknown;
}

/** What deleting one pass found. */
export interface ContentReport {
  discoveryError?: string;
  deleteErrors: string[];
  /** `resource.group` → objects still present. */
  remaining: Map<string, number>;
  /** finalizer → objects still holding it. */
  finalizers: Map<string, number>;
}

export function namespaceConditions(prior: Condition[] | undefined, r: ContentReport, now = nowTimestamp()): Condition[] {
  const set = (list: Condition[], type: string, bad: boolean, badReason: string, goodReason: string, badMsg: string, goodMsg: string) =>
    setCondition(list, { type, status: bad ? 'True' : 'False', reason: bad ? badReason : goodReason, message: bad ? badMsg : goodMsg }, now);
  let c = prior ?? [];
  c = set(c, 'NamespaceDeletionDiscoveryFailure', !!r.discoveryError, 'DiscoveryFailed', 'ResourcesDiscovered',
    `Discovery failed for some groups: ${r.discoveryError}`, 'All resources successfully discovered');
  c = set(c, 'NamespaceDeletionGroupVersionParsingFailure', false, 'GroupVersionParsingFailed', 'ParsedGroupVersions', '', 'All legacy kube types successfully parsed');
  c = set(c, 'NamespaceDeletionContentFailure', r.deleteErrors.length > 0, 'ContentDeletionFailed', 'ContentDeleted',
    `Failed to delete all resource types, ${r.deleteErrors.length} remaining: ${r.deleteErrors.join(', ')}`, 'All content successfully deleted, may be waiting on finalization');
  const remaining = [...r.remaining].sort().map(([res, n]) => `${res} has ${n} resource instances`).join(', ');
  c = set(c, 'NamespaceContentRemaining', r.remaining.size > 0, 'SomeResourcesRemain', 'ContentRemoved',
    `Some resources are remaining: ${remaining}`, 'All content successfully removed');
  const fins = [...r.finalizers].sort().map(([f, n]) => `${f} in ${n} resource instances`).join(', ');
  c = set(c, 'NamespaceFinalizersRemaining', r.finalizers.size > 0, 'SomeFinalizersRemain', 'ContentHasNoFinalizers',
    `Some content in the namespace has finalizers remaining: ${fins}`, 'All content-preserving finalizers finished');
  return c;
}

export function namespaceController(): Controller {
  let discovery: Discovery | undefined;
  return {
    name: 'namespace',
    watches: [{ resource: R.namespaces }],
    async reconcile(key, ctx) {
      const ns = ctx.informer(R.namespaces).get(key) as Namespace | undefined;
      if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(FINALIZER)) return;
      discovery ??= new Discovery(ctx.client);
      const report = await deleteContent(ctx.client, discovery, key);
      const conditions = namespaceConditions(ns.status?.conditions, report);
      if (!jsonEqual(conditions, ns.status?.conditions ?? [])) {
        // An update, as upstream's UpdateStatus: the namespace controller's role may update, not patch, the status.
        await ctx.client.update(objectPath(R.namespaces, undefined, key, 'status'), { ...ns, status: { ...ns.status, conditions } });
      }
      if (report.discoveryError || report.deleteErrors.length || report.remaining.size) {
        ctx.requeueAfter(key, RECHECK_MS);
        return;
      }
      await finalize(ctx, key);
    },
  };
}

async function deleteContent(client: RestClient, discovery: Discovery, namespace: string): Promise<ContentReport> {
  const report: ContentReport = { deleteErrors: [], remaining: new Map(), finalizers: new Map() };
  let resources: DiscoveredResource[];
  try {
    resources = (await discovery.resources()).filter(r => r.ref.namespaced && r.verbs.includes('list') && (r.verbs.includes('delete') || r.verbs.includes('deletecollection')));
  } catch (err) {
    report.discoveryError = errorMessage(err);
    return report;
  }
  await Promise.all(resources.map(async r => {
    const label = `${r.ref.resource}.${r.ref.group}`;
    try {
      const path = collectionPath(r.ref, namespace);
      const before = await client.list(path);
      if (!before.items.length) return;
      if (r.verbs.includes('deletecollection')) {
        await client.delete(path);
      } else {
        for (const o of before.items) if (!o.metadata.deletionTimestamp) await ignoreNotFound(client.delete(objectPath(r.ref, namespace, o.metadata.name!)));
      }
      const after = await client.list(path);
      if (!after.items.length) return;
      report.remaining.set(label, after.items.length);
      for (const o of after.items) for (const f of o.metadata.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
    } catch (err) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 405)) return;
      report.deleteErrors.push(`${label}: ${errorMessage(err)}`);
    }
  }));
  return report;
}

async function finalize(ctx: ControllerContext, name: string): Promise<void> {
  const live = await ctx.client.get<Namespace>(objectPath(R.namespaces, undefined, name));
  const finalizers = (live.spec?.finalizers ?? []).filter(f => f !== FINALIZER);
  await ctx.client.update(objectPath(R.namespaces, undefined, name, 'finalize'), { ...live, spec: { ...live.spec, finalizers } });
  ctx.log('namespace finalized', { namespace: name });
}
