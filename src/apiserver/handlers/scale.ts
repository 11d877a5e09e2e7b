// The `scale` subresource: an autoscaling/v1 Scale view of a workload's replicas, readable and
// writable (PUT or any patch type) without touching the rest of the object.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, MethodNotAllowedError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import { applyPatchByType } from '../patch/index.js';
import { clone } from '../patch/json.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ScaleAccess } from '../registry/strategy.js';
import type { ResourceRequest } from '../request-info.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { boolParam } from './query.js';

interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

export function scaleOf(obj: KubeObject, access?: ScaleAccess): Scale {
  if (access) return customScale(obj, access);
  const spec = obj.spec as { replicas?: number; selector?: any } | undefined;
  const status = obj.status as { replicas?: number } | undefined;
  // ReplicationControllers have a plain map selector; the others a LabelSelector.
  const sel = spec?.selector && (spec.selector.matchLabels || spec.selector.matchExpressions)
    ? LabelSelector.fromObject(spec.selector)
    : spec?.selector ? LabelSelector.fromObject({ matchLabels: spec.selector }) : null;
  const m = obj.metadata;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec?.replicas ?? 0 },
    status: { replicas: status?.replicas ?? 0, ...(sel ? { selector: sel.toString() } : {}) },
  };
}

/** A custom resource's Scale: replicas and selector read where its CRD points (absent: 0 and none). */
function customScale(obj: KubeObject, access: ScaleAccess): Scale {
  const m = obj.metadata;
  const selector = access.selector(obj);
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: access.specReplicas(obj) ?? 0 },
    status: { replicas: access.statusReplicas(obj) ?? 0, ...(selector ? { selector } : {}) },
  };
}

export async function handleScale(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, q: URLSearchParams, ctx: RequestContext, store: GenericStore): Promise<void> {
  const access = store.strategy.scale;
  if (ri.verb === 'get') return sendJson(res, 200, scaleOf(await store.read(ri.namespace, ri.name), access));
  if (ri.verb !== 'update' && ri.verb !== 'patch') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  const body = await readBody(req);
  const contentType = mediaTypeOf(req);
  const gvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  const { object } = await store.patch(ctx, ri.namespace, ri.name, live => {
    if (!live) throw new BadRequestError('scale target not found');
    const current = scaleOf(live, access);
    const desired = (ri.verb === 'update'
      ? decodeObject(body, contentType)
      : applyPatchByType(contentType, current, body, { gvk, apiVersion: 'autoscaling/v1', manager: ctx.fieldManager ?? '', force: boolParam(q, 'force') === true, name: ri.name, namespace: ri.namespace })) as Scale;
    const replicas = desired.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new BadRequestError(`spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`);
    }
    const next = clone(live);
    if (access) access.setSpecReplicas(next, replicas);
    else (next.spec as { replicas?: number }).replicas = replicas;
    if (desired.metadata?.resourceVersion) next.metadata.resourceVersion = desired.metadata.resourceVersion;
    return next;
  });
  sendJson(res, 200, scaleOf(object, access));
}
