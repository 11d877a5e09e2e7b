// Review resources are computed per request, never stored: SelfSubjectReview (`kubectl auth whoami`)
// echoes the caller's identity; TokenReview says whose a bearer token is (for webhook-style
// authenticators in workloads); SelfSubjectAccessReview (`kubectl auth can-i`) asks the authorizer
// about the caller and the attributes in the spec; SubjectAccessReview about the user in the spec.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, FieldError, InvalidError, MethodNotAllowedError } from '../../api/errors.js';
import { nowTimestamp } from '../../api/object.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Authorizer } from '../auth/authorizer.js';
import type { RequestContext, UserInfo } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { RequestInfo, ResourceRequest, Verb } from '../request-info.js';

export function isReviewRequest(ri: ResourceRequest): boolean {
  return (ri.group === 'authentication.k8s.io' && (ri.resource === 'selfsubjectreviews' || ri.resource === 'tokenreviews'))
    || (ri.group === 'authorization.k8s.io' && (ri.resource === 'selfsubjectaccessreviews' || ri.resource === 'subjectaccessreviews'));
}

export async function handleReview(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, ctx: RequestContext, authn: Authenticator, authz: Authorizer): Promise<void> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  const review = decodeObject(await readBody(req), mediaTypeOf(req));
  const apiVersion = `${ri.group}/${ri.version}`;
  if (ri.resource === 'selfsubjectaccessreviews') {
    const spec = review.spec ?? {};
    const decision = await authz.authorize(ctx.user, attributes(spec));
    const status = decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
    return sendJson(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion, metadata: { creationTimestamp: null }, spec, status });
  }
  if (ri.resource === 'subjectaccessreviews') {
    // The user under review is the spec's (what webhook authorizers and the CSR approver ask).
    const spec = review.spec ?? {};
    if (!spec.user && !spec.groups?.length) {
      throw new InvalidError('SubjectAccessReview', '', 'authorization.k8s.io', [new FieldError('FieldValueInvalid', 'spec.user', 'at least one of user or group must be specified', spec.user ?? '')]);
    }
    const user: UserInfo = { username: spec.user ?? '', uid: spec.uid, groups: spec.groups ?? [], extra: spec.extra };
    const decision = await authz.authorize(user, attributes(spec));
    const status = decision.allowed ? { allowed: true } : { allowed: false, ...(decision.denied ? { denied: true } : {}), reason: decision.reason };
    return sendJson(res, 201, { kind: 'SubjectAccessReview', apiVersion, metadata: { creationTimestamp: null }, spec, status });
  }
  if (ri.resource === 'tokenreviews') {
    const spec = review.spec ?? {};
    if (!spec.token) throw new BadRequestError(`token is required for TokenReview in ${apiVersion}`);
    const result = authn.authenticateToken(String(spec.token), spec.audiences?.length ? spec.audiences : undefined);
    const status = 'error' in result
      ? { authenticated: false, user: {}, error: result.error }
      : { authenticated: true, user: userInfo(result.user), audiences: result.audiences };
    return sendJson(res, 201, { kind: 'TokenReview', apiVersion, metadata: { creationTimestamp: null }, spec, status });
  }
  sendJson(res, 201, {
    kind: 'SelfSubjectReview',
    apiVersion,
    metadata: { creationTimestamp: nowTimestamp() },
    status: { userInfo: userInfo(ctx.user) },
  });
}

function userInfo(u: UserInfo): Record<string, unknown> {
  return { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) };
}

/** The request an access review asks about, validated as upstream: exactly one kind of attributes. */
function attributes(spec: Record<string, any>): RequestInfo {
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  const invalid = (field: string, detail: string) =>
    new InvalidError('SelfSubjectAccessReview', '', 'authorization.k8s.io', [new FieldError('FieldValueInvalid', field, detail, nra ?? null)]);
  if (ra && nra) throw invalid('spec.nonResourceAttributes', 'cannot be specified in combination with resourceAttributes');
  if (nra) return { isResourceRequest: false, path: nra.path ?? '', verb: nra.verb ?? '' };
  if (!ra) throw invalid('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  return {
    isResourceRequest: true,
    group: ra.group ?? '',
    version: ra.version ?? '',
    resource: ra.resource ?? '',
    namespace: ra.namespace ?? '',
    name: ra.name ?? '',
    subresource: ra.subresource ?? '',
    // Review verbs are free-form ('*', 'use', 'impersonate'); authorizers compare them as strings.
    verb: (ra.verb ?? '') as Verb,
    rest: [],
  };
}
