// pods/binding: the scheduler's way to assign a pod to a node. Only an unassigned pod can be bound.
// As upstream's BindingREST, the pod is written straight through storage: no pod strategy,
// validation or admission of the pod, and no managedFields entry for the binding. The new pod
// shares all it does not change with the cached one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ConflictError, MethodNotAllowedError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { setCondition, type ConditionLike } from '../../api/conditions.js';
import type { RequestContext } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { sendJson, successStatus } from '../http/respond.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRequest } from '../request-info.js';

interface Binding extends KubeObject { target?: { kind?: string; name?: string } }

export async function handleBinding(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, ctx: RequestContext, store: GenericStore): Promise<void> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  const binding = decodeObject(await readBody(req), mediaTypeOf(req)) as Binding;
  binding.metadata ??= {};
  const target = binding.target?.name;
  if (!target) throw new BadRequestError('Binding.target.name: Required value');
  const podName = ri.name || binding.metadata.name || '';
  if (binding.metadata.name && binding.metadata.name !== podName) throw new BadRequestError('name in URL does not match name in Binding object');
  await store.admitSubresourceCreate(ctx, ri.namespace, podName, 'binding', binding);
  const conflict = (why: string) => new ConflictError({ group: '', resource: 'pods/binding', name: podName }, why);
  await store.updateInStorage(ctx, ri.namespace, podName, live => {
    const spec = live.spec as { nodeName?: string };
    if (live.metadata.deletionTimestamp) throw conflict(`pod ${podName} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw conflict(`pod ${podName} is already assigned to node "${spec.nodeName}"`);
    const annotations = binding.metadata.annotations;
    const status = (live.status ?? {}) as { conditions?: ConditionLike[] };
    const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null };
    return {
      ...live,
      metadata: annotations ? { ...live.metadata, annotations: { ...live.metadata.annotations, ...annotations } } : { ...live.metadata },
      spec: { ...spec, nodeName: target },
      status: { ...status, conditions: setCondition(status.conditions, scheduled) },
    };
  }, 'binding');
  sendJson(res, 201, successStatus({}));
}
