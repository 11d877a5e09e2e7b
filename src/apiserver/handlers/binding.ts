// pods/binding: the scheduler's way to assign a pod to a node. Only an unassigned pod can be bound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ConflictError, MethodNotAllowedError } from '../../api/errors.js';
import { nowTimestamp } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { sendJson, successStatus } from '../http/respond.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRequest } from '../request-info.js';

interface PodCondition { type: string; status: string; lastTransitionTime?: string; lastProbeTime?: null; reason?: string; message?: string }

export async function handleBinding(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, ctx: RequestContext, store: GenericStore): Promise<void> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  const binding = decodeObject(await readBody(req), mediaTypeOf(req));
  const target = binding.target?.name;
  if (!target) throw new BadRequestError('Binding.target.name: Required value');
  const podName = ri.name || binding.metadata?.name;
  await store.patch(ctx, ri.namespace, podName, live => {
    if (!live) throw new BadRequestError(`pods "${podName}" not found`);
    const spec = live.spec as { nodeName?: string };
    if (spec.nodeName) throw new ConflictError({ group: '', resource: 'pods', name: podName }, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
    if (live.metadata.deletionTimestamp) throw new ConflictError({ group: '', resource: 'pods', name: podName }, 'pod is being deleted, cannot be assigned to a host');
    spec.nodeName = target;
    const status = (live.status ??= {}) as { conditions?: PodCondition[] };
    const conditions = (status.conditions ?? []).filter(c => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() });
    status.conditions = conditions;
    return live;
  }, { subresource: 'binding' });
  sendJson(res, 201, successStatus({}));
}
