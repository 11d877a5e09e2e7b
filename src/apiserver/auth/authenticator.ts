// Authentication, in upstream's order: a front proxy's certificate signed by the requestheader CA
// with the user in X-Remote-* headers, a client certificate signed by the cluster CA (CN = user,
// O = groups), then a bearer token — a static token (--token-auth-file and the server's own), a
// bootstrap token (kube-system Secrets), or a service-account token (a JWT we signed, checked on
// every request since it expires and dies with its service account). Credentials that fail are a
// 401; a request with none is system:anonymous when anonymous requests are enabled (it then goes
// to the authorizer like anyone else), else a 401.
import type { IncomingMessage } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../api/errors.js';
import type { UserInfo } from '../context.js';
import type { BootstrapTokenAuthenticator } from './bootstrap-tokens.js';
import type { RequestHeaderAuthenticator } from '../../api/request-header.js';
import { TokenRejectedError } from './serviceaccount/claims.js';
import { InvalidTokenError } from './serviceaccount/jwt.js';
import type { ServiceAccountTokens } from './serviceaccount/tokens.js';

export interface TokenEntry {
  token: string;
  user: UserInfo;
}

export type TokenResult = { user: UserInfo; audiences: string[] } | { error: string };

export const ANONYMOUS_USER: UserInfo = Object.freeze({ username: 'system:anonymous', groups: Object.freeze(['system:unauthenticated']) as string[] });

export interface AuthenticatorOptions {
  tokens: TokenEntry[];
  serviceAccounts?: ServiceAccountTokens;
  bootstrapTokens?: BootstrapTokenAuthenticator;
  /** Requests without credentials are system:anonymous (upstream's --anonymous-auth, default true). */
  anonymous: boolean;
  /** Front proxies (our aggregator's peers, authenticating proxies): --requestheader-*. */
  requestHeader?: RequestHeaderAuthenticator;
}

/** A client certificate was presented that does not chain to the cluster CA. */
const BAD_CERTIFICATE = Symbol('bad certificate');
/** A client certificate of the requestheader CA with an allowed CN: the user comes from the headers. */
const FRONT_PROXY = Symbol('front proxy');

type CertificateIdentity = UserInfo | null | typeof BAD_CERTIFICATE | typeof FRONT_PROXY;

export class Authenticator {
  // A TLS connection's client certificate never changes, so its user is worked out once per socket.
  // Bearer tokens are not cached: service-account and bootstrap tokens expire and are revoked with their objects.
  private readonly certUsers = new WeakMap<TLSSocket, CertificateIdentity>();

  constructor(private readonly o: AuthenticatorOptions) {}

  /** The client certificate's user first, then the bearer token's, then anonymous, as upstream's authenticator union orders them. */
  authenticate(req: IncomingMessage): UserInfo {
    const socket = req.socket as TLSSocket;
    let user = this.certUsers.get(socket);
    if (user === undefined) {
      user = this.certificateIdentity(socket);
      this.certUsers.set(socket, user);
    }
    if (user === BAD_CERTIFICATE) throw new UnauthorizedError();
    if (user === FRONT_PROXY) {
      // Without a username header the proxy asserts nobody; the other credentials decide.
      const proxied = this.o.requestHeader!.user(req.headersDistinct);
      if (proxied) return withAuthenticated(proxied);
    } else if (user) return user;
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      if (!/^bearer /i.test(auth)) throw new UnauthorizedError();
      const result = this.authenticateToken(auth.slice(7).trim());
      if ('error' in result) throw new UnauthorizedError();
      return result.user;
    }
    const wsToken = takeWebSocketBearerToken(req);
    if (wsToken !== undefined) {
      const result = this.authenticateToken(wsToken);
      if ('error' in result) throw new UnauthorizedError();
      return result.user;
    }
    if (this.o.anonymous) return ANONYMOUS_USER;
    throw new UnauthorizedError();
  }

  /**
   * A bearer token's user and the audiences (of those asked for, default the API server's) it is
   * good for; the error says why not (for TokenReview; requests only get 401).
   */
  authenticateToken(token: string, audiences?: string[]): TokenResult {
    const apiAudiences = () => audiences ?? this.o.serviceAccounts?.apiAudiences ?? [];
    const presented = Buffer.from(token);
    for (const t of this.o.tokens) {
      const known = Buffer.from(t.token);
      if (known.length === presented.length && timingSafeEqual(known, presented)) return { user: withAuthenticated(t.user), audiences: apiAudiences() };
    }
    const bootstrap = this.o.bootstrapTokens?.authenticate(token);
    if (bootstrap?.kind === 'user') return { user: withAuthenticated(bootstrap.user), audiences: apiAudiences() };
    if (bootstrap?.kind === 'rejected') return { error: `[invalid bearer token, ${bootstrap.reason}]` };
    if (!this.o.serviceAccounts) return { error: 'invalid bearer token' };
    try {
      return this.o.serviceAccounts.authenticate(token, audiences);
    } catch (err) {
      if (err instanceof InvalidTokenError || err instanceof TokenRejectedError) return { error: `[invalid bearer token, ${err.message}]` };
      throw err;
    }
  }

  /** The TLS layer trusts both CAs; which one issued the certificate says what it proves. */
  private certificateIdentity(socket: TLSSocket): CertificateIdentity {
    const peer = socket.getPeerCertificate?.();
    const presented = !!peer && Object.keys(peer).length > 0;
    if (!socket.authorized) return presented ? BAD_CERTIFICATE : null;
    const proxy = this.o.requestHeader;
    if (proxy && peer.raw && proxy.issued(peer.raw)) {
      const cn = (peer.subject as unknown as Record<string, unknown> | undefined)?.CN;
      return proxy.allows(typeof cn === 'string' ? cn : '') ? FRONT_PROXY : BAD_CERTIFICATE;
    }
    return certificateUser(peer);
  }
}

function certificateUser(peer: PeerCertificate): UserInfo | null {
  const subject = peer?.subject as unknown as Record<string, string | string[]> | undefined;
  const cn = subject?.CN;
  if (typeof cn !== 'string' || !cn) return null;
  const o = subject?.O;
  return withAuthenticated({ username: cn, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] });
}

function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes('system:authenticated') ? u : { ...u, groups: [...u.groups, 'system:authenticated'] };
}

const WEBSOCKET_BEARER_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/**
 * Browsers cannot set headers on a WebSocket, so (as upstream's websocket protocol authenticator)
 * a bearer token may come as the subprotocol `base64url.bearer.authorization.k8s.io.<token in
 * unpadded base64url>` of an upgrade request. The entry is removed from the header so that the
 * token travels no further (to a kubelet the stream is relayed to).
 */
function takeWebSocketBearerToken(req: IncomingMessage): string | undefined {
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return undefined;
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map(p => p.trim()).filter(Boolean);
  const entry = offered.find(p => p.startsWith(WEBSOCKET_BEARER_PREFIX));
  if (entry === undefined) return undefined;
  const encoded = entry.slice(WEBSOCKET_BEARER_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new UnauthorizedError();
  const token = Buffer.from(encoded, 'base64url').toString('utf8');
  const rest = offered.filter(p => p !== entry);
  if (rest.length) req.headers['sec-websocket-protocol'] = rest.join(', ');
  else delete req.headers['sec-websocket-protocol'];
  return token;
}
