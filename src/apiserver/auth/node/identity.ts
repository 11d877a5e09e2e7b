// Which node a user is, as upstream's nodeidentifier: `system:node:<name>` in group `system:nodes`.
import type { UserInfo } from '../../context.js';

export const NODES_GROUP = 'system:nodes';
const NODE_USER_PREFIX = 'system:node:';

/** The node's name ('' for `system:node:` itself), or undefined for anyone who is not a node. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.username.startsWith(NODE_USER_PREFIX) || !user.groups.includes(NODES_GROUP)) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length);
}
