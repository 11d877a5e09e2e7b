// Authentication: a client certificate signed by the cluster CA (CN = user, O = groups) or a
// bearer token from the server's token table. Anything else is 401.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../api/errors.js';
import type { UserInfo } from '../context.js';

export interface TokenEntry {
  token: string;
  user: UserInfo;
}

export class Authenticator {
  // A TLS connection's client certificate never changes, so its user is worked out once per socket.
  private readonly certUsers = new WeakMap<TLSSocket, UserInfo | null>();

  constructor(private readonly tokens: TokenEntry[]) {}

  authenticate(req: IncomingMessage): UserInfo {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const presented = Buffer.from(auth.slice(7).trim());
      for (const t of this.tokens) {
        const known = Buffer.from(t.token);
        if (known.length === presented.length && timingSafeEqual(known, presented)) return withAuthenticated(t.user);
      }
      throw new UnauthorizedError();
    }
    const socket = req.socket as TLSSocket;
    let user = this.certUsers.get(socket);
    if (user === undefined) {
      user = certificateUser(socket);
      this.certUsers.set(socket, user);
    }
    if (user) return user;
    throw new UnauthorizedError();
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
