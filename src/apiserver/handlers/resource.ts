// Resource requests: maps a verb on a resource (or its status subresource) to the generic store,
// with query options and the negotiated response shape. Routing to subresource handlers is in
// resource-route.ts, body decoding in resource-body.ts, PATCH in resource-patch.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MethodNotAllowedError, NotFoundError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import { negotiate, type Negotiated } from '../http/negotiate.js';
import { sendJson, sendText, successStatus } from '../http/respond.js';
import { objectJson } from '../registry/object-json.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceRequest } from '../request-info.js';
import { FieldSelector } from '../../api/selectors/field-selector.js';
import { boolParam, deleteOptions, int64Param, listOptions } from './query.js';
import { includeObjectParam, renderList, renderObject } from './render.js';
import { handleScale } from './scale.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { readObject, readOptionalBody } from './resource-body.js';
import { patchResource } from './resource-patch.js';
import { routeResourceRequest } from './resource-route.js';
import { serveWatch } from './watch.js';
import type { WatchEventRecorder } from '../request-metrics.js';

/** `watchEventsOf` gives the recorder of a watch's events (the API server's request metrics). */
export async function handleResource(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, q: URLSearchParams, ctx: RequestContext, registry: Registry,
  watchEventsOf?: (group: string, version: string, kind: string) => WatchEventRecorder): Promise<void> {
  const store = registry.find(ri.group, ri.version, ri.resource);
  if (!store) throw new NotFoundError({ group: ri.group, resource: ri.resource, name: ri.name });
  const info = store.info;
  if (store.strategy.requestWarning) ctx.warnings.push(store.strategy.requestWarning);
  switch (routeResourceRequest(ri, info, store.strategy)) {
    case 'scale': return handleScale(req, res, ri, q, ctx, store);
    case 'binding': return handleBinding(req, res, ri, ctx, store);
    case 'eviction': return handleEviction(req, res, ri, ctx, registry);
    case 'store': break;
  }
  const subresource = ri.subresource;

  switch (ri.verb) {
    case 'get': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      return respondObject(res, 200, store, await store.read(ri.namespace, ri.name), neg, q, ctx);
    }
    case 'list': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadataList']);
      const result = await store.list(ri.namespace, listOptions(q));
      return sendText(res, 200, renderList(info, result, neg, includeObjectParam(q), store.strategy.printer), 'json', ctx.warnings);
    }
    case 'watch': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      const list = listOptions(q);
      if (ri.name) list.fieldSelector = new FieldSelector([...list.fieldSelector.requirements, { field: 'metadata.name', value: ri.name, negate: false }]);
      return serveWatch(req, res, store, {
        namespace: ri.namespace,
        list,
        allowBookmarks: boolParam(q, 'allowWatchBookmarks') === true,
        sendInitialEvents: boolParam(q, 'sendInitialEvents'),
        timeoutSeconds: int64Param(q, 'timeoutSeconds'),
      }, neg, includeObjectParam(q), watchEventsOf?.(info.group, info.version, info.kind));
    }
    case 'create': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      if (ri.name && ri.resource !== 'namespaces') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
      const obj = await readObject(req, info, ctx, store.strategy.openApi);
      const created = await store.create(ctx, ri.namespace, obj, { owned: true });
      return respondObject(res, 201, store, created, neg, q, ctx);
    }
    case 'update': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      const obj = await readObject(req, info, ctx, store.strategy.openApi);
      const { object, created } = await store.update(ctx, ri.namespace, ri.name, obj, { subresource });
      return respondObject(res, created ? 201 : 200, store, object, neg, q, ctx);
    }
    case 'patch': {
      const neg = negotiate(req.headers.accept, ['Table', 'PartialObjectMetadata']);
      const { object, created } = await patchResource(req, ri, q, ctx, store);
      return respondObject(res, created ? 201 : 200, store, object, neg, q, ctx);
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

function respondObject(res: ServerResponse, code: number, store: GenericStore, obj: KubeObject, neg: Negotiated, q: URLSearchParams, ctx: RequestContext): void {
  // The store hands back its cached objects, often already encoded for a watch event.
  if (neg.transform === 'none' && neg.encoding === 'json') return sendText(res, code, objectJson(obj), 'json', ctx.warnings);
  sendJson(res, code, renderObject(store.info, obj, neg, includeObjectParam(q), store.strategy.printer), neg.encoding, ctx.warnings);
}
