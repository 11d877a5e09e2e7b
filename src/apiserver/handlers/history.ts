// GET /apis/history.k8ts.io/v1/<object path>: the recorded revisions of one object, where
// <object path> is the object's own API path (api/v1/namespaces/NS/configmaps/NAME,
// apis/apps/v1/namespaces/NS/deployments/NAME). The request is authorised as a `get` of that
// object, so a user sees the history only of objects they may read.
import type { ServerResponse } from 'node:http';
import { BadRequestError, MethodNotAllowedError, NotFoundError } from '../../api/errors.js';
import { HISTORY_GROUP, HISTORY_VERSION } from '../../api/history.js';
import type { HistoryStore } from '../history/history-store.js';
import { sendJson } from '../http/respond.js';
import { parseRequestInfo, type ResourceRequest } from '../request-info.js';

export const HISTORY_PREFIX = `/apis/${HISTORY_GROUP}/${HISTORY_VERSION}/`;

/** The request for the object whose history `path` asks for, or undefined when it is not a history path. */
export function historyTarget(method: string, path: string, query: URLSearchParams): ResourceRequest | undefined {
  return objectPathTarget(HISTORY_PREFIX, 'object history', method, path, query);
}

/**
 * The `get` of the object whose API path follows `prefix` in `path` (also the why API's
 * addressing), or undefined when `path` is not under `prefix`; only GET is served (`what` names
 * the API in the refusal).
 */
export function objectPathTarget(prefix: string, what: string, method: string, path: string, query: URLSearchParams): ResourceRequest | undefined {
  if (!path.startsWith(prefix)) return undefined;
  if (method !== 'GET') throw new MethodNotAllowedError(`${method} is not supported on ${what}`);
  const ri = parseRequestInfo('GET', '/' + path.slice(prefix.length), query);
  if (!ri.isResourceRequest || ri.verb !== 'get' || ri.subresource) throw new BadRequestError(`${path} does not name an object: expected ${prefix}<api path of the object>`);
  return ri;
}

/** `?objects=true` adds each revision's object; `?revision=N` answers that one revision with its object. */
export function serveHistory(res: ServerResponse, ri: ResourceRequest, query: URLSearchParams, history: HistoryStore): void {
  const wanted = query.get('revision');
  let revisions = history.revisions(ri.group, ri.resource, ri.namespace, ri.name, wanted !== null || query.get('objects') === 'true');
  if (wanted !== null) {
    revisions = revisions.filter(r => String(r.revision) === wanted);
    if (!revisions.length) throw new NotFoundError({ group: HISTORY_GROUP, resource: 'revisions', name: wanted });
  }
  sendJson(res, 200, {
    kind: 'ObjectHistory', apiVersion: `${HISTORY_GROUP}/${HISTORY_VERSION}`,
    target: { group: ri.group, resource: ri.resource, namespace: ri.namespace, name: ri.name },
    revisions: revisions.map(r => ({ ...r, time: new Date(r.time).toISOString() })),
  });
}
