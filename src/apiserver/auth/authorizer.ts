// Authorization stage of the pipeline, shaped as upstream's: each authorizer allows, denies, or has
// no opinion; a chain (--authorization-mode, e.g. Node,RBAC) asks them in order and the first that
// allows or denies decides. A request nobody allows is forbidden.
import type { UserInfo } from '../context.js';
import type { RequestInfo } from '../request-info.js';

export type Decision =
  | { allowed: true; reason?: string }
  /** `denied` means an explicit deny that ends the chain; otherwise this authorizer has no opinion. */
  | { allowed: false; denied?: boolean; reason: string };

export interface Authorizer {
  authorize(user: UserInfo, request: RequestInfo): Decision | Promise<Decision>;
}

export const allowAllAuthorizer: Authorizer = {
  authorize: () => ({ allowed: true }),
};

/** Asks each authorizer in turn; the first allow or explicit deny wins, else no opinion with every reason given. */
export function authorizerChain(authorizers: Authorizer[]): Authorizer {
  if (authorizers.length === 1) return authorizers[0]!;
  return {
    async authorize(user, request) {
      const reasons: string[] = [];
      for (const a of authorizers) {
        const d = await a.authorize(user, request);
        if (d.allowed || d.denied) return d;
        if (d.reason) reasons.push(d.reason);
      }
      return { allowed: false, reason: reasons.join(', ') };
    },
  };
}
