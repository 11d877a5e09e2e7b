// The 403 a refused request gets, worded as upstream's responsewriters.Forbidden:
//   secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "default"
// with the object's name, `resource/subresource`, "at the cluster scope" or `path "/x"` where they
// apply, and the authorizers' reason after a colon.
import { ForbiddenError } from '../../api/errors.js';
import type { UserInfo } from '../context.js';
import type { Attributes } from './attributes.js';

export function forbiddenMessage(user: UserInfo, a: Attributes): string {
  if (!a.isResourceRequest) return `User "${user.username}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`;
}

export function forbiddenError(user: UserInfo, a: Attributes, reason: string): ForbiddenError {
  const detail = reason ? `${forbiddenMessage(user, a)}: ${reason}` : forbiddenMessage(user, a);
  return forbidden(a, detail);
}

/** Upstream's NewForbidden(groupResource, name, err): the target's qualified name first, then why. */
export function forbidden(a: Attributes, why: string): ForbiddenError {
  if (!a.isResourceRequest || !a.resource) return new ForbiddenError(`forbidden: ${why}`);
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const message = a.name ? `${qualified} "${a.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return new ForbiddenError(message, { group: a.group, resource: a.resource, ...(a.name ? { name: a.name } : {}) });
}
