// Authorization stage of the pipeline. Every authenticated user is allowed until RBAC lands; the
// interface is what RBAC and the node authorizer will implement.
import type { UserInfo } from '../context.js';
import type { RequestInfo } from '../request-info.js';

export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface Authorizer {
  authorize(user: UserInfo, request: RequestInfo): Decision | Promise<Decision>;
}

export const allowAllAuthorizer: Authorizer = {
  authorize: () => ({ allowed: true }),
};
