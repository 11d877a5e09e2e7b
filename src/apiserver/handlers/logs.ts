// The cluster log API (non-resource paths, authorized by RBAC on the path first):
//   POST /logs/v1/ingest   a node's agent ships batches of its containers' log lines
//   GET  /logs/v1/offsets  ?file=F: how much of a log file is stored, so an agent resumes there
//   GET  /logs/v1/search   ?q=&namespace=&labelSelector=&container=&pod=&sinceSeconds=&limit=&continue=
// A node may only ship lines of its own containers (as NodeRestriction limits what it may write);
// a searcher sees only namespaces where it may `get pods/log`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ForbiddenError, MethodNotAllowedError } from '../../api/errors.js';
import { LogQueryError, type LogBatch, type LogStore } from '../../storage/logs/log-store.js';
import type { Authorizer } from '../auth/authorizer.js';
import type { UserInfo } from '../context.js';
import { readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import { resourceNotFound } from './non-resource.js';

export const LOGS_PATH_PREFIX = '/logs/v1/';
const MAX_INGEST_BYTES = 8 * 1024 * 1024;
const NODE_USER = /^system:node:(.+)$/;

export async function handleLogsRequest(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo, authz: Authorizer, store: LogStore): Promise<void> {
  const op = url.pathname.slice(LOGS_PATH_PREFIX.length);
  const method = req.method ?? 'GET';
  if (op === 'search') {
    if (method !== 'GET') throw notAllowed();
    return sendJson(res, 200, await search(url.searchParams, user, authz, store));
  }
  if (op === 'offsets') {
    if (method !== 'GET') throw notAllowed();
    const file = url.searchParams.get('file');
    if (!file) throw new BadRequestError('file is required');
    return sendJson(res, 200, { file, offset: store.offset(file) });
  }
  if (op === 'ingest') {
    if (method !== 'POST') throw notAllowed();
    const node = NODE_USER.exec(user.username)?.[1];
    if (!node || !user.groups.includes('system:nodes')) throw new ForbiddenError(`User "${user.username}" cannot ship container logs: only nodes may`);
    const batches = parseBatches(await readBody(req, MAX_INGEST_BYTES));
    const foreign = batches.find(b => b.source.node !== node);
    if (foreign) throw new ForbiddenError(`node "${node}" cannot ship logs of node "${foreign.source.node}"`);
    return sendJson(res, 200, { stored: store.ingest(batches) });
  }
  throw resourceNotFound();
}

const notAllowed = () => new MethodNotAllowedError('the server does not allow this method on the requested resource');

async function search(q: URLSearchParams, user: UserInfo, authz: Authorizer, store: LogStore) {
  const int = (name: string) => {
    const v = q.get(name);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v)) throw new BadRequestError(`invalid ${name} ${JSON.stringify(v)}: must be a non-negative integer`);
    return Number(v);
  };
  const namespace = q.get('namespace') ?? undefined;
  const mayRead = async (ns: string) => (await authz.authorize(user, { isResourceRequest: true, verb: 'get', group: '', resource: 'pods', subresource: 'log', name: '', namespace: ns })).allowed;
  let namespaces: string[] | undefined;
  if (namespace !== undefined) {
    if (!(await mayRead(namespace))) throw new ForbiddenError(`pods "log" is forbidden: User "${user.username}" cannot get resource "pods/log" in API group "" in the namespace "${namespace}"`);
    namespaces = [namespace];
  } else if (!(await mayRead(''))) {
    namespaces = [];
    for (const ns of store.namespaces()) if (await mayRead(ns)) namespaces.push(ns);
  }
  const since = int('sinceSeconds');
  try {
    return store.search({
      text: q.get('q') ?? undefined, namespaces, selector: q.get('labelSelector') ?? undefined, pod: q.get('pod') ?? undefined,
      container: q.get('container') ?? undefined, sinceMs: since === undefined ? undefined : Date.now() - since * 1000,
      limit: int('limit'), continue: q.get('continue') ?? undefined,
    });
  } catch (err) {
    if (err instanceof LogQueryError) throw new BadRequestError(err.message);
    throw err;
  }
}

function parseBatches(body: Buffer): LogBatch[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new BadRequestError(`invalid log batch: ${err instanceof Error ? err.message : String(err)}`);
  }
  const batches = (parsed as { batches?: unknown })?.batches;
  if (!Array.isArray(batches)) throw new BadRequestError('invalid log batch: batches must be a list');
  for (const b of batches as LogBatch[]) {
    const s = b?.source;
    const ok = s && ['namespace', 'pod', 'podUid', 'container', 'node'].every(k => typeof (s as unknown as Record<string, unknown>)[k] === 'string')
      && typeof s.labels === 'object' && typeof b.file === 'string' && Number.isSafeInteger(b.fromOffset) && Number.isSafeInteger(b.toOffset)
      && Array.isArray(b.lines) && b.lines.every(l => typeof l?.line === 'string' && Number.isFinite(l.timeMs) && (l.stream === 'stdout' || l.stream === 'stderr'));
    if (!ok) throw new BadRequestError('invalid log batch: each needs source {namespace, pod, podUid, container, node, labels}, file, fromOffset, toOffset and lines {timeMs, stream, line}');
  }
  return batches as LogBatch[];
}
