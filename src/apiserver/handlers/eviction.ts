// pods/eviction: a pod is deleted only if the PodDisruptionBudget covering it allows a disruption,
// which this request consumes (status.disruptionsAllowed decremented, the pod noted in
// status.disruptedPods) with a compare-and-swap on the budget, as upstream's eviction REST.
// Otherwise 429 TooManyRequests with the DisruptionBudget cause, which `kubectl drain` retries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ForbiddenError, isConflict, MethodNotAllowedError, StatusError } from '../../api/errors.js';
import { nowTimestamp, type DeleteOptions, type KubeObject } from '../../api/object.js';
import { isPodReady } from '../../api/pod-state.js';
import { setCondition } from '../../api/conditions.js';
import type { PodDisruptionBudget as PdbResource, PodDisruptionBudgetStatus, Pod as PodResource, PodStatus } from '../../api/types/generated.js';
import type { RequestContext } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { sendJson, successStatus } from '../http/respond.js';
import type { GenericStore } from '../registry/generic-store.js';
import { namespacePrefix } from '../registry/keys.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceRequest } from '../request-info.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';

type Pod = Omit<PodResource, 'metadata'> & KubeObject;
type PodDisruptionBudget = Omit<PdbResource, 'metadata'> & KubeObject;

const MAX_DISRUPTED_PODS = 2000;
const MAX_ATTEMPTS = 8;

function budgetError(message: string, cause: string): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

/** Evicting a finished, pending or already terminating pod disrupts nothing: no budget applies. */
function canIgnoreBudget(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

function budgetsFor(pdbs: GenericStore, pod: Pod): PodDisruptionBudget[] {
  return pdbs.cache.list(namespacePrefix(pdbs.info, pod.metadata.namespace!)).map(c => c.object as PodDisruptionBudget).filter(pdb => {
    // As upstream's eviction, an empty selector selects nothing here.
    const sel = LabelSelector.fromObject(pdb.spec?.selector ?? null);
    return !!sel && !sel.empty && sel.matches(pod.metadata.labels);
  });
}

export async function handleEviction(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, ctx: RequestContext, registry: Registry): Promise<void> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  const eviction = decodeObject(await readBody(req), mediaTypeOf(req)) as KubeObject & { deleteOptions?: DeleteOptions };
  if (eviction.metadata?.name && eviction.metadata.name !== ri.name) throw new BadRequestError('name in URL does not match name in Eviction object');
  const pods = registry.get('', 'pods');
  const pdbs = registry.get('policy', 'poddisruptionbudgets');
  // As upstream's create handler: the Eviction goes through admission (NodeRestriction keeps a kubelet to its pods).
  await pods.admitSubresourceCreate(ctx, ri.namespace, ri.name, 'eviction', eviction);
  const options: DeleteOptions = { ...eviction.deleteOptions };

  for (let attempt = 0; ; attempt++) {
    const pod = pods.get(ri.namespace, ri.name) as Pod;
    if (!canIgnoreBudget(pod)) {
      const budgets = budgetsFor(pdbs, pod);
      if (budgets.length > 1) throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      const pdb = budgets[0];
      if (pdb && !unhealthyMayGo(pdb, pod)) {
        try {
          await consumeDisruption(pdbs, pdb, pod.metadata.name!, ctx);
        } catch (err) {
          if (isConflict(err) && attempt < MAX_ATTEMPTS) {
            // Another eviction took the budget first: re-read it once the cache shows that write.
            await new Promise(r => setTimeout(r, 5 * (attempt + 1)));
            continue;
          }
          throw err;
        }
        options.preconditions ??= { uid: pod.metadata.uid };
      }
    }
    await markDisruptionTarget(pods, pod, ctx);
    await pods.delete(ctx, ri.namespace, ri.name, options);
    sendJson(res, 201, successStatus(undefined, 201));
    return;
  }
}

/** Unhealthy pods may go without consuming the budget: always, or while the budget is satisfied. */
function unhealthyMayGo(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (isPodReady(pod)) return false;
  if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const s: Partial<PodDisruptionBudgetStatus> = pdb.status ?? {};
  return (s.desiredHealthy ?? 0) > 0 && (s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0);
}

async function consumeDisruption(pdbs: GenericStore, pdb: PodDisruptionBudget, podName: string, ctx: RequestContext): Promise<void> {
  const name = pdb.metadata.name!;
  const s: Partial<PodDisruptionBudgetStatus> = pdb.status ?? {};
  if ((s.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    throw budgetError("Cannot evict pod as it would violate the pod's disruption budget.", `The disruption budget ${name} is still being processed by the server.`);
  }
  const allowed = s.disruptionsAllowed ?? 0;
  if (allowed < 0) throw new ForbiddenError('pdb disruptions allowed is negative');
  if (Object.keys(s.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) throw new ForbiddenError('DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (allowed === 0) {
    throw budgetError("Cannot evict pod as it would violate the pod's disruption budget.", `The disruption budget ${name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently`);
  }
  if (ctx.dryRun) return;
  const status = { ...s, disruptionsAllowed: allowed - 1, disruptedPods: { ...s.disruptedPods, [podName]: nowTimestamp() } };
  // The resourceVersion in the body makes this a compare-and-swap: a concurrent eviction conflicts.
  await pdbs.update(ctx, pdb.metadata.namespace!, name, { ...pdb, status }, { subresource: 'status' });
}

async function markDisruptionTarget(pods: GenericStore, pod: Pod, ctx: RequestContext): Promise<void> {
  if (ctx.dryRun || pod.metadata.deletionTimestamp) return;
  await pods.patch(ctx, pod.metadata.namespace!, pod.metadata.name!, live => {
    if (!live) throw new StatusError(404, 'NotFound', `pods "${pod.metadata.name}" not found`);
    const status = (live.status ?? {}) as PodStatus;
    // As upstream's UpdatePodCondition: a pod already a disruption target keeps its transition time.
    status.conditions = setCondition(status.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    live.status = status;
    return live;
  }, { subresource: 'status' });
}
