// Authentication: a client certificate signed by the cluster CA (CN = user, O = groups), a
// bearer token from the server's token table, or a service-account token (a JWT we signed, checked
// on every request since it expires and dies with its service account). Anything else is 401.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../api/errors.js';
import type { UserInfo } from '../context.js';
import { TokenRejectedError } from './serviceaccount/claims.js';
import { InvalidTokenError } from './serviceaccount/jwt.js';
import type { ServiceAccountTokens } from './serviceaccount/tokens.js';

export interface TokenEntry {
  token: string;
  user: UserInfo;
}

export type TokenResult = { user: UserInfo; audiences: string[] } | { error: string };

export class Authenticator {
  // A TLS connection's client certificate never changes, so its user is worked out once per socket.
  // Bearer tokens are not cached: service-account tokens expire and are revoked with their objects.
  private readonly certUsers = new WeakMap<TLSSocket, UserInfo | null>();

  constructor(private readonly tokens: TokenEntry[], private readonly serviceAccounts?: ServiceAccountTokens) {}

  /** The client certificate's user first, then the bearer token's, as upstream's authenticator union orders them. */
  authenticate(req: IncomingMessage): UserInfo {
    const socket = req.socket as TLSSocket;
    let user = this.certUsers.get(socket);
    if (user === undefined) {
      user = certificateUser(socket);
      this.certUsers.set(socket, user);
    }
    if (user) return user;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const result = this.authenticateToken(auth.slice(7).trim());
      if ('error' in result) throw new UnauthorizedError();
      return result.user;
    }
    throw new UnauthorizedError();
  }

  /**
   * A bearer token's user and the audiences (of those asked for, default the API server's) it is
   * good for; the error says why not (for TokenReview; requests only get 401).
   */
  authenticateToken(token: string, audiences?: string[]): TokenResult {
    const presented = Buffer.from(token);
    for (const t of this.tokens) {
      const known = Buffer.from(t.token);
      if (known.length === presented.length && timingSafeEqual(known, presented)) {
        return { user: withAuthenticated(t.user), audiences: audiences ?? this.serviceAccounts?.apiAudiences ?? [] };
      }
    }
    if (!this.serviceAccounts) return { error: 'invalid bearer token' };
    try {
      return this.serviceAccounts.authenticate(token, audiences);
    } catch (err) {
      if (err instanceof InvalidTokenError || err instanceof TokenRejectedError) return { error: `[invalid bearer token, ${err.message}]` };
      throw err;
    }
  }
}

function certificateUser(socket: TLSSocket): UserInfo | null {
  if (!socket.authorized) return null;
  const subject = socket.getPeerCertificate()?.subject as unknown as Record<string, string | string[]> | undefined;
  const cn = subject?.CN;
  if (typeof cn !== 'string' || !cn) return null;
  const o = subject?.O;
  return withAuthenticated({ username: cn, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] });
}

function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes('system:authenticated') ? u : { ...u, groups: [...u.groups, 'system:authenticated'] };
}
