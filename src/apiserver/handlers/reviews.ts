// Review resources are computed per request, never stored: SelfSubjectReview (`kubectl auth whoami`)
// echoes the caller's identity; TokenReview says whose a bearer token is (for webhook-style
// authenticators in workloads); SubjectAccessReview, LocalSubjectAccessReview and
// SelfSubjectAccessReview (`kubectl auth can-i`) ask the authorizer about a user (the caller for
// the self review) and the attributes in the spec; SelfSubjectRulesReview (`kubectl auth can-i
// --list`) lists the rules the caller has in a namespace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, FieldError, InvalidError, MethodNotAllowedError } from '../../api/errors.js';
import { nowTimestamp } from '../../api/object.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Authorizer, Decision } from '../auth/authorizer.js';
import type { Attributes } from '../auth/attributes.js';
import type { RequestContext, UserInfo } from '../context.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { ResourceRequest } from '../request-info.js';

const ACCESS_REVIEWS: Record<string, string> = {
  subjectaccessreviews: 'SubjectAccessReview',
  localsubjectaccessreviews: 'LocalSubjectAccessReview',
  selfsubjectaccessreviews: 'SelfSubjectAccessReview',
};

export function isReviewRequest(ri: ResourceRequest): boolean {
  return (ri.group === 'authentication.k8s.io' && (ri.resource === 'selfsubjectreviews' || ri.resource === 'tokenreviews'))
    || (ri.group === 'authorization.k8s.io' && (ri.resource in ACCESS_REVIEWS || ri.resource === 'selfsubjectrulesreviews'));
}

export async function handleReview(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, ctx: RequestContext, authn: Authenticator, authz: Authorizer): Promise<void> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  const review = decodeObject(await readBody(req), mediaTypeOf(req));
  const apiVersion = `${ri.group}/${ri.version}`;
  const kind = ACCESS_REVIEWS[ri.resource];
  if (ri.group === 'authorization.k8s.io' && kind) {
    const spec = review.spec ?? {};
    const user = kind === 'SelfSubjectAccessReview' ? ctx.user : reviewedUser(kind, spec);
    const attrs = attributes(kind, spec);
    if (kind === 'LocalSubjectAccessReview') checkLocal(spec, ri.namespace, attrs);
    const decision = await authz.authorize(user, attrs);
    const metadata = kind === 'LocalSubjectAccessReview' ? { namespace: ri.namespace, creationTimestamp: null } : { creationTimestamp: null };
    return sendJson(res, 201, { kind, apiVersion, metadata, spec, status: reviewStatus(decision) });
  }
  if (ri.resource === 'selfsubjectrulesreviews') {
    const namespace = review.spec?.namespace;
    if (!namespace) throw new BadRequestError('no namespace on request');
    const rules = authz.rulesFor?.(ctx.user, namespace) ?? { resourceRules: [], nonResourceRules: [], incomplete: true };
    return sendJson(res, 201, {
      kind: 'SelfSubjectRulesReview', apiVersion, metadata: { creationTimestamp: null }, spec: {},
      status: {
        resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete,
        ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
      },
    });
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

function reviewStatus(d: Decision): Record<string, unknown> {
  return {
    allowed: d.allowed,
    ...(!d.allowed && d.denied ? { denied: true } : {}),
    ...(d.reason ? { reason: d.reason } : {}),
  };
}

/** The user a (Local)SubjectAccessReview asks about: at least a user or a group, as upstream validates. */
function reviewedUser(kind: string, spec: Record<string, any>): UserInfo {
  const groups: string[] = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
  if (!spec.user && !groups.length) {
    throw new InvalidError(kind, '', 'authorization.k8s.io', [new FieldError('FieldValueInvalid', 'spec.user', 'at least one of user or group must be specified', spec.user ?? '')]);
  }
  return { username: String(spec.user ?? ''), groups, ...(spec.uid ? { uid: String(spec.uid) } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
}

/** A LocalSubjectAccessReview asks only about resources in its own namespace. */
function checkLocal(spec: Record<string, any>, namespace: string, attrs: Attributes): void {
  if (spec.nonResourceAttributes) {
    throw new InvalidError('LocalSubjectAccessReview', '', 'authorization.k8s.io', [new FieldError('FieldValueInvalid', 'spec.nonResourceAttributes', 'disallowed on this kind of request', spec.nonResourceAttributes)]);
  }
  if (attrs.isResourceRequest && attrs.namespace !== namespace) throw new BadRequestError(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
}

/** The request an access review asks about, validated as upstream: exactly one kind of attributes. */
function attributes(kind: string, spec: Record<string, any>): Attributes {
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  const invalid = (field: string, detail: string) =>
    new InvalidError(kind, '', 'authorization.k8s.io', [new FieldError('FieldValueInvalid', field, detail, nra ?? null)]);
  if (ra && nra) throw invalid('spec.nonResourceAttributes', 'cannot be specified in combination with resourceAttributes');
  if (nra) return { isResourceRequest: false, path: String(nra.path ?? ''), verb: String(nra.verb ?? '') };
  if (!ra) throw invalid('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  // Review verbs are free-form ('*', 'use', 'impersonate'); authorizers compare them as strings.
  return {
    isResourceRequest: true,
    group: String(ra.group ?? ''),
    resource: String(ra.resource ?? ''),
    namespace: String(ra.namespace ?? ''),
    name: String(ra.name ?? ''),
    subresource: String(ra.subresource ?? ''),
    verb: String(ra.verb ?? ''),
  };
}
