// Resource requests: maps a verb on a resource (or its status subresource) to the generic store,
// with query options, body decoding, field validation and the negotiated response shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from '../../api/catalog.js';
import { BadRequestError, MethodNotAllowedError, NotFoundError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { checkTypes, findUnknownFields, strictDecodingError } from '../../api/validate-schema.js';
import type { RequestContext } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { negotiate, type Negotiated } from '../http/negotiate.js';
import { sendJson, sendText, successStatus } from '../http/respond.js';
import { applyPatchByType } from '../patch/index.js';
import type { GenericStore } from '../registry/generic-store.js';
import { objectJson } from '../registry/object-json.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceRequest } from '../request-info.js';
import { FieldSelector } from '../../api/selectors/field-selector.js';
import { boolParam, deleteOptions, listOptions, nonNegativeInt } from './query.js';
import { includeObjectParam, renderList, renderObject } from './render.js';
import { handleScale } from './scale.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { serveWatch } from './watch.js';

export async function handleResource(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, q: URLSearchParams, ctx: RequestContext, registry: Registry): Promise<void> {
  const store = registry.find(ri.group, ri.version, ri.resource);
  if (!store) throw new NotFoundError({ group: ri.group, resource: ri.resource, name: ri.name });
  const info = store.info;
  if (info.namespaced && !ri.namespace && ri.name) throw new NotFoundError({ group: ri.group, resource: ri.resource, name: ri.name });

  if (ri.subresource === 'scale') return handleScale(req, res, ri, q, ctx, store);
  if (ri.subresource === 'binding') return handleBinding(req, res, ri, ctx, store);
  if (ri.subresource === 'eviction') return handleEviction(req, res, ri, ctx, registry);
  const storeHandles = ri.subresource === 'status' || !!store.strategy.subresourceUpdates?.[ri.subresource];
  if (ri.subresource && !storeHandles) {
    const known = info.subresources.some(s => s.name === ri.subresource);
    if (!known) throw new NotFoundError({ group: ri.group, resource: `${ri.resource}/${ri.subresource}`, name: ri.name });
    throw new MethodNotAllowedError(`the server does not allow this method on the requested resource (${ri.resource}/${ri.subresource})`);
  }
  const subresource = ri.subresource;
  if (!allowed(info, ri, subresource)) {
    throw new MethodNotAllowedError(`the server does not allow this method on the requested resource`);
  }

  switch (ri.verb) {
    case 'get': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      return respondObject(res, 200, info, store.get(ri.namespace, ri.name), neg, q, ctx);
    }
    case 'list': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadataList']);
      const result = await store.list(ri.namespace, listOptions(q));
      return sendText(res, 200, renderList(info, result, neg, includeObjectParam(q)), 'json', ctx.warnings);
    }
    case 'watch': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      const list = listOptions(q);
      if (ri.name) list.fieldSelector = new FieldSelector([...list.fieldSelector.requirements, { field: 'metadata.name', value: ri.name, negate: false }]);
      const timeout = q.get('timeoutSeconds');
      return serveWatch(req, res, store, {
        namespace: ri.namespace,
        list,
        allowBookmarks: boolParam(q, 'allowWatchBookmarks') === true,
        sendInitialEvents: boolParam(q, 'sendInitialEvents'),
        timeoutSeconds: timeout ? nonNegativeInt('timeoutSeconds', timeout) : undefined,
      }, neg, includeObjectParam(q));
    }
    case 'create': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      if (ri.name && ri.resource !== 'namespaces') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
      const obj = await readObject(req, store, ctx);
      const created = await store.create(ctx, ri.namespace, obj, { owned: true });
      return respondObject(res, 201, info, created, neg, q, ctx);
    }
    case 'update': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      const obj = await readObject(req, store, ctx);
      const { object, created } = await store.update(ctx, ri.namespace, ri.name, obj, { subresource });
      return respondObject(res, created ? 201 : 200, info, object, neg, q, ctx);
    }
    case 'patch': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      const body = await readBody(req);
      const contentType = mediaTypeOf(req);
      const force = boolParam(q, 'force') === true;
      const isApply = contentType === 'application/apply-patch+yaml';
      if (isApply && !ctx.fieldManager) throw new BadRequestError('PATCH, fieldManager: Required value: is required for apply patch');
      if (!isApply && q.get('force') !== null) throw new BadRequestError('force: Forbidden: may not be specified for non-apply patch');
      const { object, created } = await store.patch(ctx, ri.namespace, ri.name, live => {
        if (!live && !isApply) throw new NotFoundError({ group: info.group, resource: info.resource, name: ri.name });
        return applyPatchByType(contentType, live, body, {
          gvk: { group: info.group, version: info.version, kind: info.kind },
          apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
          manager: ctx.fieldManager ?? '',
          force,
          subresource: subresource || undefined,
          name: ri.name,
          namespace: info.namespaced ? ri.namespace : undefined,
        }) as KubeObject;
      }, { subresource, applied: isApply });
      return respondObject(res, created ? 201 : 200, info, object, neg, q, ctx);
    }
    case 'delete': {
      const opts = deleteOptions(q, await readOptionalBody(req));
      const { object, deleted } = await store.delete(ctx, ri.namespace, ri.name, opts);
      if (deleted && !store.strategy.returnDeletedObject) {
        return sendJson(res, 200, successStatus({ name: ri.name, group: info.group || undefined, kind: info.resource, uid: object.metadata.uid }), 'json', ctx.warnings);
      }
      return sendJson(res, 200, object, 'json', ctx.warnings);
    }
    case 'deletecollection': {
      const opts = deleteOptions(q, await readOptionalBody(req));
      const items = await store.deleteCollection(ctx, ri.namespace, listOptions(q), opts);
      const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
      return sendJson(res, 200, { kind: info.listKind, apiVersion, metadata: {}, items }, 'json', ctx.warnings);
    }
    default:
      throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  }
}

function allowed(info: ResourceInfo, ri: ResourceRequest, subresource: string): boolean {
  if (subresource) {
    const sub = info.subresources.find(s => s.name === subresource);
    return !!sub && sub.verbs.includes(ri.verb);
  }
  return info.verbs.includes(ri.verb);
}

function respondObject(res: ServerResponse, code: number, info: ResourceInfo, obj: KubeObject, neg: Negotiated, q: URLSearchParams, ctx: RequestContext): void {
  // The store hands back its cached objects, often already encoded for a watch event.
  if (neg.transform === 'none' && neg.encoding === 'json') return sendText(res, code, objectJson(obj), 'json', ctx.warnings);
  sendJson(res, code, renderObject(info, obj, neg, includeObjectParam(q)), neg.encoding, ctx.warnings);
}

/** Reads a create/update body and applies fieldValidation to unknown fields. */
export async function readObject(req: IncomingMessage, store: GenericStore, ctx: RequestContext): Promise<KubeObject> {
  const obj = decodeObject(await readBody(req), mediaTypeOf(req)) as KubeObject;
  checkDecodable(store.info, obj, ctx);
  return obj;
}

/** What decoding into the Go type would reject: wrong JSON types always, unknown fields per fieldValidation. */
export function checkDecodable(info: ResourceInfo, obj: KubeObject, ctx: RequestContext): void {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const typeError = checkTypes(gvk, obj);
  if (typeError) throw typeError;
  if (ctx.fieldValidation === 'Ignore') return;
  const unknown = findUnknownFields(gvk, obj);
  if (!unknown.length) return;
  if (ctx.fieldValidation === 'Strict') throw strictDecodingError(gvk, unknown);
  for (const f of unknown) ctx.warnings.push(`unknown field "${f}"`);
}

async function readOptionalBody(req: IncomingMessage): Promise<Record<string, any> | undefined> {
  const body = await readBody(req);
  if (!body.length) return undefined;
  return decodeObject(body, mediaTypeOf(req));
}
