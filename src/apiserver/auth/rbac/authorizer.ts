// The RBAC authorizer (upstream plugin/pkg/auth/authorizer/rbac): allows a request when a rule
// bound to the user allows it, otherwise has no opinion (RBAC never denies outright). The reason
// of a refusal names the roles it could not find.
import type { Authorizer, Decision, RulesResult } from '../authorizer.js';
import { RuleResolver } from './resolver.js';
import { ruleAllows } from './rules.js';
import type { RbacSource } from './source.js';

export function rbacAuthorizer(source: RbacSource | RuleResolver): Authorizer & { resolver: RuleResolver } {
  const resolver = source instanceof RuleResolver ? source : new RuleResolver(source);
  return {
    resolver,
    authorize(user, request): Decision {
      let allowedBy: string | undefined;
      const errors: string[] = [];
      resolver.visitRulesFor(user, request.isResourceRequest ? request.namespace : '', (describe, rule, error) => {
        if (rule && ruleAllows(request, rule)) {
          allowedBy = describe();
          return false;
        }
        if (error) errors.push(error);
        return true;
      });
      if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
      return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
    },
    rulesFor(user, namespace): RulesResult {
      const { rules, errors } = resolver.rulesFor(user, namespace);
      const out: RulesResult = {
        resourceRules: rules.filter(r => r.resources?.length).map(r => ({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames })),
        nonResourceRules: rules.filter(r => r.nonResourceURLs?.length).map(r => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
        incomplete: false,
      };
      if (errors.length) out.evaluationError = aggregate(errors);
      return out;
    },
  };
}

/** Upstream's error aggregate: one message alone, several in brackets. */
function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}
