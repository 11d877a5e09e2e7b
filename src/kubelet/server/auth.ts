// Who may use the kubelet API, as upstream's kubelet with --anonymous-auth=false
// --authentication-token-webhook --authorization-mode=Webhook: a client certificate signed by the
// cluster CA (CN user, O groups) or a bearer token the API server vouches for (TokenReview)
// authenticates; the API server then decides (SubjectAccessReview) whether that user may do the
// request's verb on this Node's `proxy`, `stats`, `metrics`, `log` or `checkpoint` subresource.
// Both answers are cached as upstream's webhooks cache them (tokens 2 min; allowed 5 min, denied 30 s).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { LruMap } from '../../util/lru-map.js';
import { KubeletRequestError } from './pod-containers.js';

export interface KubeletUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What an access review asks about a kubelet request: always this Node, subresource by path. */
export interface KubeletRequestAttributes {
  verb: string;
  resource: 'nodes';
  subresource: string;
  name: string;
}

/** The two questions the kubelet asks the API server (upstream's webhook authenticator and authorizer). */
export interface ReviewClient {
  /** The token's user, or undefined when the API server does not know it. */
  tokenReview(token: string): Promise<KubeletUser | undefined>;
  subjectAccessReview(user: KubeletUser, attrs: KubeletRequestAttributes): Promise<boolean>;
}

const TOKEN_TTL_MS = 2 * 60_000;
const ALLOWED_TTL_MS = 5 * 60_000;
const DENIED_TTL_MS = 30_000;
const CACHE_ENTRIES = 1024;

/** Upstream's isSubpath: the path itself or anything under it. */
function isSubpath(path: string, root: string): boolean {
  const r = root.replace(/\/+$/, '');
  return path === r || path.startsWith(`${r}/`);
}

/** Upstream's nodeAuthorizerAttributesGetter (fine-grained subresources off, as in v1.32 by default). */
export function kubeletRequestAttributes(method: string, path: string, nodeName: string): KubeletRequestAttributes {
  const verb = ({ POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? '';
  let subresource = 'proxy';
  if (isSubpath(path, '/stats')) subresource = 'stats';
  else if (isSubpath(path, '/metrics')) subresource = 'metrics';
  else if (isSubpath(path, '/logs')) subresource = 'log';
  else if (isSubpath(path, '/checkpoint')) subresource = 'checkpoint';
  return { verb, resource: 'nodes', subresource, name: nodeName };
}

export class KubeletAuth {
  private readonly tokens = new LruMap<string, { user: KubeletUser | undefined; expires: number }>(CACHE_ENTRIES);
  private readonly decisions = new LruMap<string, { allowed: boolean; expires: number }>(CACHE_ENTRIES);

  constructor(private readonly reviews: ReviewClient, private readonly nodeName: string, private readonly now = () => Date.now()) {}

  /** Authenticates and authorizes a request, or throws the kubelet's 401 or 403. */
  async check(req: IncomingMessage): Promise<KubeletUser> {
    const user = await this.authenticate(req);
    if (!user) throw new KubeletRequestError(401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const attrs = kubeletRequestAttributes(req.method ?? 'GET', url.pathname, this.nodeName);
    let allowed: boolean;
    try {
      allowed = await this.authorize(user, attrs);
    } catch {
      throw new KubeletRequestError(500, `Authorization error (user=${user.username}, verb=${attrs.verb}, resource=${attrs.resource}, subresource=${attrs.subresource})`);
    }
    if (!allowed) throw new KubeletRequestError(403, `Forbidden (user=${user.username}, verb=${attrs.verb}, resource=${attrs.resource}, subresource=${attrs.subresource})`);
    return user;
  }

  /** The client certificate's user first, then the bearer token's; undefined is anonymous (refused). */
  private async authenticate(req: IncomingMessage): Promise<KubeletUser | undefined> {
    const certUser = certificateUser(req.socket as TLSSocket);
    if (certUser) return certUser;
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ')) return undefined;
    const token = auth.slice(7).trim();
    if (!token) return undefined;
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.tokens.get(key);
    if (cached && cached.expires > this.now()) return cached.user;
    let user: KubeletUser | undefined;
    try {
      user = await this.reviews.tokenReview(token);
    } catch {
      // The API server could not be asked: 401 this time, nothing cached.
      return undefined;
    }
    this.tokens.set(key, { user, expires: this.now() + TOKEN_TTL_MS });
    return user;
  }

  private async authorize(user: KubeletUser, attrs: KubeletRequestAttributes): Promise<boolean> {
    const key = JSON.stringify([user.username, user.uid ?? '', [...user.groups].sort(), user.extra ?? {}, attrs.verb, attrs.subresource]);
    const cached = this.decisions.get(key);
    if (cached && cached.expires > this.now()) return cached.allowed;
    const allowed = await this.reviews.subjectAccessReview(user, attrs);
    this.decisions.set(key, { allowed, expires: this.now() + (allowed ? ALLOWED_TTL_MS : DENIED_TTL_MS) });
    return allowed;
  }
}

function certificateUser(socket: TLSSocket): KubeletUser | undefined {
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerCertificate?.()?.subject as unknown as Record<string, string | string[]> | undefined;
  const cn = subject?.CN;
  if (typeof cn !== 'string' || !cn) return undefined;
  const o = subject?.O;
  return { username: cn, groups: [...(o === undefined ? [] : Array.isArray(o) ? o : [o]), 'system:authenticated'] };
}
