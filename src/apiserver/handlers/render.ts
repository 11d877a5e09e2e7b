// Renders objects and lists in the shape the client negotiated: plain, Table, or metadata only.
import type { KubeObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/catalog.js';
import { buildTable } from '../tables/index.js';
import type { Printer } from '../tables/types.js';
import type { Negotiated } from '../http/negotiate.js';
import type { CachedObject } from '../registry/watch-cache.js';
import type { ListResult } from '../registry/generic-store.js';
import { objectJson } from '../registry/object-json.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function cachedJson(c: CachedObject): string {
  return objectJson(c.object);
}

/** The JSON text of a list, assembled from the items' cached encodings. */
export function renderList(info: ResourceInfo, result: ListResult, neg: Negotiated, includeObject: IncludeObject, printer?: Printer): string {
  const listMeta: Record<string, unknown> = { resourceVersion: String(result.revision) };
  if (result.continue) listMeta.continue = result.continue;
  if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
  if (neg.transform === 'Table') {
    return JSON.stringify(buildTable(info.group, info.resource, result.items.map(i => i.object), { includeObject, listMeta, printer }));
  }
  if (neg.transform === 'PartialObjectMetadataList' || neg.transform === 'PartialObjectMetadata') {
    return JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: result.items.map(i => partialMetadata(i.object)) });
  }
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  return `{"kind":${JSON.stringify(info.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(listMeta)},"items":[${result.items.map(cachedJson).join(',')}]}`;
}

/** One object in the negotiated shape (a single-row Table for `as=Table`). */
export function renderObject(info: ResourceInfo, obj: KubeObject, neg: Negotiated, includeObject: IncludeObject, printer?: Printer): unknown {
  if (neg.transform === 'Table') return buildTable(info.group, info.resource, [obj], { includeObject, printer });
  if (neg.transform === 'PartialObjectMetadata') return partialMetadata(obj);
  return obj;
}

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
