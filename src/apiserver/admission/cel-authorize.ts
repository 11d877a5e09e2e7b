// The CEL `authorizer` variable's questions asked of the server's authorizer chain, for admission
// expressions (webhook matchConditions and ValidatingAdmissionPolicy).
import type { AuthorizeFn, AuthzAttributes, AuthzDecision } from '../../api/cel/index.js';
import type { Authorizer } from '../auth/authorizer.js';

export function celAuthorizeFn(authorizer: () => Authorizer): AuthorizeFn {
  return async (attrs: AuthzAttributes): Promise<AuthzDecision> => {
    const request = attrs.isResourceRequest
      ? { isResourceRequest: true as const, group: attrs.apiGroup, resource: attrs.resource, namespace: attrs.namespace, name: attrs.name, subresource: attrs.subresource, verb: attrs.verb }
      : { isResourceRequest: false as const, path: attrs.path, verb: attrs.verb };
    const d = await authorizer().authorize(attrs.user, request);
    return { decision: d.allowed ? 'allow' : d.denied ? 'deny' : 'noOpinion', reason: d.reason ?? '' };
  };
}
