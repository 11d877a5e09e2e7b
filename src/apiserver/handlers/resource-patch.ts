// PATCH of a resource or its status: JSON patch, merge patch, strategic merge patch and
// server-side apply (which may create the object), with upstream's checks of fieldManager and force.
import type { IncomingMessage } from 'node:http';
import { BadRequestError, NotFoundError, UnsupportedMediaTypeError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import { mediaTypeOf, readBody } from '../http/body.js';
import { applyPatchByType } from '../patch/index.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRequest } from '../request-info.js';
import { boolParam } from './query.js';

export async function patchResource(req: IncomingMessage, ri: ResourceRequest, q: URLSearchParams, ctx: RequestContext, store: GenericStore): Promise<{ object: KubeObject; created: boolean }> {
  const info = store.info;
  const body = await readBody(req);
  const contentType = mediaTypeOf(req);
  const force = boolParam(q, 'force') === true;
  const isApply = contentType === 'application/apply-patch+yaml';
  const accepted = store.strategy.patchTypes;
  if (accepted && !accepted.includes(contentType)) {
    throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
  }
  if (isApply && !ctx.fieldManager) throw new BadRequestError('PATCH, fieldManager: Required value: is required for apply patch');
  if (!isApply && q.get('force') !== null) throw new BadRequestError('force: Forbidden: may not be specified for non-apply patch');
  const subresource = ri.subresource;
  return store.patch(ctx, ri.namespace, ri.name, live => {
    if (!live && !isApply) throw new NotFoundError({ group: info.group, resource: info.resource, name: ri.name });
    return applyPatchByType(contentType, live, body, {
      gvk: { group: info.group, version: info.version, kind: info.kind },
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
      manager: ctx.fieldManager ?? '',
      force,
      subresource: subresource || undefined,
      name: ri.name,
      namespace: info.namespaced ? ri.namespace : undefined,
      spec: store.strategy.openApi,
    }) as KubeObject;
  }, { subresource, applied: isApply });
}
