// Authorization stage of the pipeline, shaped as upstream's: each authorizer allows, denies, or has
// no opinion; a chain (--authorization-mode, e.g. Node,RBAC) asks them in order and the first that
// allows or denies decides. A request nobody allows is forbidden.
import type { PolicyRule } from '../../api/types/generated.js';
import type { UserInfo } from '../context.js';
import type { Attributes } from './attributes.js';

export type Decision =
  | { allowed: true; reason?: string }
  /** `denied` means an explicit deny that ends the chain; otherwise this authorizer has no opinion. */
  | { allowed: false; denied?: boolean; reason: string };

/** What a user may do in a namespace, as SelfSubjectRulesReview reports it. */
export interface RulesResult {
  resourceRules: PolicyRule[];
  nonResourceRules: PolicyRule[];
  /** True when the authorizer cannot list everything it would allow (e.g. the Node authorizer). */
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, request: Attributes): Decision | Promise<Decision>;
  /** The rules behind the decisions (upstream's RuleResolver); authorizers that cannot say are incomplete. */
  rulesFor?(user: UserInfo, namespace: string): RulesResult;
}

const EVERYTHING: RulesResult = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
};
const NOTHING: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false };

/** --authorization-mode=AlwaysAllow. */
export const allowAllAuthorizer: Authorizer = {
  authorize: () => ({ allowed: true }),
  rulesFor: () => EVERYTHING,
};

/** --authorization-mode=AlwaysDeny: no opinion on anything, so only the privileged group gets through. */
export const alwaysDenyAuthorizer: Authorizer = {
  authorize: () => ({ allowed: false, reason: 'Everything is forbidden.' }),
  rulesFor: () => NOTHING,
};

/**
 * Members of these groups may do anything (upstream puts `system:masters` in front of every
 * authorization mode: the API server's own loopback identity must never be locked out). It lists
 * no rules, as upstream's: the modes behind it (cluster-admin's binding in RBAC) say what they allow.
 */
export function privilegedGroupsAuthorizer(groups: string[]): Authorizer {
  return {
    authorize: user => (user.groups.some(g => groups.includes(g)) ? { allowed: true } : { allowed: false, reason: '' }),
    rulesFor: () => NOTHING,
  };
}

/** Asks each authorizer in turn; the first allow or explicit deny wins, else no opinion with every reason given (one per line, as upstream's union). */
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
      return { allowed: false, reason: reasons.join('\n') };
    },
    rulesFor(user, namespace) {
      const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false };
      const errors: string[] = [];
      for (const a of authorizers) {
        const r = a.rulesFor ? a.rulesFor(user, namespace) : { ...NOTHING, incomplete: true };
        out.resourceRules.push(...r.resourceRules);
        out.nonResourceRules.push(...r.nonResourceRules);
        out.incomplete ||= r.incomplete;
        if (r.evaluationError) errors.push(r.evaluationError);
      }
      if (errors.length) out.evaluationError = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
      return out;
    },
  };
}
