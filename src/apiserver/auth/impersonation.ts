// Impersonation (upstream's WithImpersonation filter): `Impersonate-User`, `-Group`, `-Uid` and
// `Impersonate-Extra-<key>` headers make a request act as another identity, once the caller is
// allowed the `impersonate` verb on each thing asked for: users, groups, serviceaccounts (for
// `system:serviceaccount:<ns>:<name>`), uids and userextras/<key> (authentication.k8s.io).
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { StatusError } from '../../api/errors.js';
import type { UserInfo } from '../context.js';
import type { Authorizer } from './authorizer.js';
import { forbiddenError } from './forbidden.js';
import type { Attributes } from './attributes.js';

const IMPERSONATE_PREFIX = 'impersonate-';
const EXTRA_PREFIX = 'impersonate-extra-';
const SA_PREFIX = 'system:serviceaccount:';

interface Wanted {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  name: string;
  namespace?: string;
  extraKey?: string;
}

/** The identity the request acts as: the authenticated user, or whom it may impersonate. */
export async function impersonate(req: IncomingMessage, requestor: UserInfo, authz: Authorizer): Promise<UserInfo> {
  const wanted = impersonationRequests(req);
  if (!wanted.length) return requestor;
  if (!wanted.some(w => w.kind === 'User' || w.kind === 'ServiceAccount')) {
    throw new StatusError(500, 'InternalError', `Internal Server Error: "${req.url}": requested [${wanted.map(describe).join(' ')}] without impersonating a user`);
  }
  const groupsSpecified = wanted.some(w => w.kind === 'Group');
  let username = '';
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const w of wanted) {
    const attrs = attributesOf(w);
    const decision = await authz.authorize(requestor, attrs);
    if (!decision.allowed) throw forbiddenError(requestor, attrs, decision.reason);
    switch (w.kind) {
      case 'ServiceAccount':
        username = `${SA_PREFIX}${w.namespace}:${w.name}`;
        if (!groupsSpecified) groups = ['system:serviceaccounts', `system:serviceaccounts:${w.namespace}`];
        break;
      case 'User': username = w.name; break;
      case 'Group': groups.push(w.name); break;
      case 'UserExtra': (extra[w.extraKey!] ??= []).push(w.name); break;
      case 'UID': uid = w.name; break;
    }
  }
  if (username !== 'system:anonymous') {
    if (!groups.includes('system:authenticated') && !groups.includes('system:unauthenticated')) groups.push('system:authenticated');
  } else if (!groups.includes('system:unauthenticated')) {
    groups.push('system:unauthenticated');
  }
  return { username, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

function impersonationRequests(req: IncomingMessage): Wanted[] {
  // Nearly no request impersonates: headersDistinct, built anew for each request that reads it,
  // is only built for those that do.
  if (!asksToImpersonate(req.headers)) return [];
  const headers = req.headersDistinct;
  const out: Wanted[] = [];
  const user = headers['impersonate-user']?.[0];
  if (user) {
    const sa = splitServiceAccount(user);
    out.push(sa ? { kind: 'ServiceAccount', ...sa } : { kind: 'User', name: user });
  }
  for (const g of headers['impersonate-group'] ?? []) out.push({ kind: 'Group', name: g });
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX) || !values) continue;
    const key = unescapeExtraKey(header.slice(EXTRA_PREFIX.length));
    for (const v of values) out.push({ kind: 'UserExtra', name: v, extraKey: key });
  }
  const uid = headers['impersonate-uid']?.[0];
  if (uid) out.push({ kind: 'UID', name: uid });
  return out;
}

/** Whether any header is one of the `Impersonate-*` family. */
function asksToImpersonate(headers: IncomingHttpHeaders): boolean {
  for (const name in headers) if (name.startsWith(IMPERSONATE_PREFIX)) return true;
  return false;
}

function attributesOf(w: Wanted): Attributes {
  const base = { isResourceRequest: true as const, verb: 'impersonate', subresource: '', namespace: '', name: w.name };
  switch (w.kind) {
    case 'ServiceAccount': return { ...base, group: '', resource: 'serviceaccounts', namespace: w.namespace! };
    case 'User': return { ...base, group: '', resource: 'users' };
    case 'Group': return { ...base, group: '', resource: 'groups' };
    case 'UserExtra': return { ...base, group: 'authentication.k8s.io', resource: 'userextras', subresource: w.extraKey! };
    case 'UID': return { ...base, group: 'authentication.k8s.io', resource: 'uids' };
  }
}

/** `system:serviceaccount:<ns>:<name>` names a service account; anything else is a plain user. */
function splitServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** Extra keys travel percent-encoded in header names (upstream unescapes them, keeping bad escapes as they are). */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** As Go prints an ObjectReference in upstream's error. */
function describe(w: Wanted): string {
  const apiVersion = w.kind === 'UserExtra' || w.kind === 'UID' ? 'authentication.k8s.io/v1' : '';
  return `{${w.kind} ${w.namespace ?? ''} ${w.name}  ${apiVersion}  ${w.extraKey ?? ''}}`;
}
