// audit.k8s.io/v1 Event: its shape (fields in upstream's order, empty ones left out) and the
// pieces of a request it records.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { UserInfo } from '../context.js';
import type { RequestInfo } from '../request-info.js';
import type { Level, Stage } from './policy.js';

export interface AuditUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface ResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: unknown;
  code?: number;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

const MAX_USER_AGENT = 1024;
const EVENT_FIELDS = [
  'kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'sourceIPs',
  'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp',
  'stageTimestamp', 'annotations',
] as const;

/** The event's JSON line, fields in upstream's order and empty ones left out. */
export function eventLine(event: AuditEvent): string {
  const ordered: Record<string, unknown> = {};
  for (const k of EVENT_FIELDS) if (event[k] !== undefined) ordered[k] = event[k];
  return JSON.stringify(ordered) + '\n';
}

/** metav1.MicroTime: RFC 3339 in UTC with microseconds. */
export function microTime(epochMicros = Math.floor((performance.timeOrigin + performance.now()) * 1000)): string {
  const seconds = new Date(Math.floor(epochMicros / 1e6) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${String(epochMicros % 1e6).padStart(6, '0')}Z`;
}

export function auditUser(user: UserInfo): AuditUser {
  const out: AuditUser = { username: user.username };
  if (user.uid) out.uid = user.uid;
  if (user.groups.length) out.groups = user.groups;
  if (user.extra && Object.keys(user.extra).length) out.extra = user.extra;
  return out;
}

/** As upstream's utilnet.SourceIPs: X-Forwarded-For's valid IPs, X-Real-Ip, then the peer's address. */
export function sourceIPs(req: IncomingMessage): string[] {
  const ips: string[] = [];
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded === 'string') for (const part of forwarded.split(',')) if (isIP(part.trim())) ips.push(part.trim());
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && isIP(real.trim()) && !ips.includes(real.trim())) ips.push(real.trim());
  let remote = req.socket.remoteAddress ?? '';
  if (remote.startsWith('::ffff:') && isIP(remote.slice(7)) === 4) remote = remote.slice(7);
  if (remote && ips[ips.length - 1] !== remote) ips.push(remote);
  return ips;
}

export function userAgent(req: IncomingMessage): string | undefined {
  const ua = req.headers['user-agent'];
  if (!ua) return undefined;
  return ua.length > MAX_USER_AGENT ? ua.slice(0, MAX_USER_AGENT) + '...TRUNCATED' : ua;
}

/** The request's verb as upstream's RequestInfo names it (k8ts says `connect` for exec, attach, portforward and proxy). */
export function auditVerb(ri: RequestInfo, method: string): string {
  if (!ri.isResourceRequest || ri.verb !== 'connect') return ri.verb;
  return ({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? 'get';
}

export function objectRef(ri: RequestInfo): ObjectReference | undefined {
  if (!ri.isResourceRequest) return undefined;
  const ref: ObjectReference = { resource: ri.resource };
  if (ri.namespace) ref.namespace = ri.namespace;
  if (ri.name) ref.name = ri.name;
  if (ri.group) ref.apiGroup = ri.group;
  ref.apiVersion = ri.version;
  if (ri.subresource) ref.subresource = ri.subresource;
  return ref;
}

/** Fills what the URL did not say (a create's name) from the request object, as upstream's LogRequestObject. */
export function completeObjectRef(ref: ObjectReference, obj: unknown): ObjectReference {
  const meta = (obj as { metadata?: Record<string, unknown> } | undefined)?.metadata;
  if (typeof meta !== 'object' || meta === null) return ref;
  const str = (v: unknown) => typeof v === 'string' && v ? v : undefined;
  const out = { ...ref };
  out.namespace ??= str(meta.namespace);
  out.name ??= str(meta.name);
  out.uid ??= str(meta.uid);
  out.resourceVersion ??= str(meta.resourceVersion);
  // In upstream's field order.
  const ordered: ObjectReference = {};
  for (const k of ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const) if (out[k] !== undefined) ordered[k] = out[k];
  return ordered;
}

/** The user an impersonating request acts as (the Impersonate-* headers), as upstream records it. */
export function impersonatedUser(req: IncomingMessage): AuditUser | undefined {
  const username = req.headers['impersonate-user'];
  if (typeof username !== 'string' || !username) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'impersonate-group') groups.push(req.rawHeaders[i + 1]);
  }
  // Upstream's impersonation adds the groups every such user has.
  const sa = username.match(/^system:serviceaccount:([^:]+):[^:]+$/);
  if (sa) groups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (username !== 'system:anonymous' && !groups.includes('system:authenticated')) groups.push('system:authenticated');
  const extra: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (name.startsWith('impersonate-extra-')) (extra[decodeURIComponent(name.slice(18))] ??= []).push(req.rawHeaders[i + 1]);
  }
  const user: AuditUser = { username, groups };
  const uid = req.headers['impersonate-uid'];
  if (typeof uid === 'string' && uid) user.uid = uid;
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}

/** The object without metadata.managedFields (also in list items and Table rows), for omitManagedFields. */
export function withoutManagedFields(obj: unknown): unknown {
  if (typeof obj !== 'object' || obj === null) return obj;
  const o = obj as Record<string, any>;
  const strip = (x: any) => x?.metadata?.managedFields === undefined ? x : { ...x, metadata: { ...x.metadata, managedFields: undefined } };
  let out: Record<string, any> = strip(o);
  if (Array.isArray(o.items)) out = { ...out, items: o.items.map(strip) };
  if (o.kind === 'Table' && Array.isArray(o.rows)) out = { ...out, rows: o.rows.map((r: any) => r?.object ? { ...r, object: strip(r.object) } : r) };
  return out;
}
