// Review resources are computed per request, never stored: SelfSubjectReview (`kubectl auth whoami`)
// echoes the caller's identity.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MethodNotAllowedError } from '../../api/errors.js';
import { nowTimestamp } from '../../api/object.js';
import type { RequestContext } from '../context.js';
import { readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { ResourceRequest } from '../request-info.js';

export function isReviewRequest(ri: ResourceRequest): boolean {
  return ri.group === 'authentication.k8s.io' && ri.resource === 'selfsubjectreviews';
}

export async function handleReview(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, ctx: RequestContext): Promise<void> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  await readBody(req);
  const u = ctx.user;
  sendJson(res, 201, {
    kind: 'SelfSubjectReview',
    apiVersion: `authentication.k8s.io/${ri.version}`,
    metadata: { creationTimestamp: nowTimestamp() },
    status: { userInfo: { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) } },
  });
}
