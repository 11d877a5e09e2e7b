// RBAC's own guard against privilege escalation (upstream pkg/registry/rbac/*/policybased and
// validation.ConfirmNoEscalation): writing a Role or ClusterRole needs every permission it grants
// (or the `escalate` verb on it); writing a binding needs every permission of the role it names (or
// the `bind` verb on that role). `system:masters` is exempt, as the API server's own identity.
import { ForbiddenError } from '../../../api/errors.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, RoleBinding } from '../../../api/types/generated.js';
import type { RequestContext, UserInfo } from '../../context.js';
import { compactRules, compactString, covers } from './covers.js';
import type { RuleResolver } from './resolver.js';
import { RBAC_GROUP } from './source.js';

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

export class EscalationGuard {
  constructor(private readonly resolver: RuleResolver) {}

  /** Create or update (`old` set) of a role or clusterrole. */
  async checkRole(ctx: RequestContext, resource: 'roles' | 'clusterroles', role: ClusterRole, old?: ClusterRole): Promise<void> {
    if (old && sameJson(old.rules, role.rules) && sameJson(old.aggregationRule, role.aggregationRule)) return;
    if (isPrivileged(ctx.user)) return;
    const name = role.metadata?.name ?? '';
    const namespace = role.metadata?.namespace ?? '';
    if (await this.allowedVerb(ctx, 'escalate', resource, namespace, name)) return;
    const target = { group: RBAC_GROUP, resource, name };
    const why = this.escalation(ctx.user, namespace, role.rules ?? []);
    if (why) throw new ForbiddenError(`${resource}.${RBAC_GROUP} "${name}" is forbidden: ${why}`, target);
    if ((role.aggregationRule || old?.aggregationRule) && this.escalation(ctx.user, namespace, FULL_AUTHORITY)) {
      throw new ForbiddenError(`${resource}.${RBAC_GROUP} "${name}" is forbidden: must have cluster-admin privileges to use the aggregationRule`, target);
    }
  }

  /** Create or update (`old` set) of a rolebinding or clusterrolebinding. */
  async checkBinding(ctx: RequestContext, resource: 'rolebindings' | 'clusterrolebindings', binding: RoleBinding | ClusterRoleBinding, old?: RoleBinding | ClusterRoleBinding): Promise<void> {
    if (isPrivileged(ctx.user)) return;
    if (old && sameRef(old.roleRef, binding.roleRef) && sameJson(old.subjects, binding.subjects)
      && sameJson(old.metadata?.labels, binding.metadata?.labels) && sameJson(old.metadata?.annotations, binding.metadata?.annotations)) return;
    const name = binding.metadata?.name ?? '';
    const namespace = binding.metadata?.namespace ?? '';
    const ref = withGroup(binding.roleRef);
    const roleResource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : undefined;
    if (roleResource && await this.allowedVerb(ctx, 'bind', roleResource, namespace, ref.name, ref.apiGroup)) return;
    const rules = this.resolver.roleRefRules(ref, namespace);
    const why = this.escalation(ctx.user, namespace, rules);
    if (why) throw new ForbiddenError(`${resource}.${RBAC_GROUP} "${name}" is forbidden: ${why}`, { group: RBAC_GROUP, resource, name });
  }

  /** Why granting `rules` in `namespace` would escalate the user's privileges, or undefined if it would not. */
  escalation(user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
    const held = this.resolver.rulesFor(user, namespace);
    const { covered, missing } = covers(held.rules, rules);
    if (covered) return undefined;
    const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
    let msg = `user "${user.username}" (groups=[${user.groups.map(g => JSON.stringify(g)).join(' ')}]) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
    if (held.errors.length) msg += `; resolution errors: [${held.errors.join(' ')}]`;
    return msg;
  }

  private async allowedVerb(ctx: RequestContext, verb: string, resource: string, namespace: string, name: string, group = RBAC_GROUP): Promise<boolean> {
    if (!ctx.authorizer) return false;
    const d = await ctx.authorizer.authorize(ctx.user, { isResourceRequest: true, verb, group, resource, subresource: '', namespace, name });
    return d.allowed;
  }
}

const isPrivileged = (u: UserInfo) => u.groups.includes('system:masters');

function withGroup<T extends { apiGroup?: string; kind: string; name: string }>(ref: T): T & { apiGroup: string } {
  return { ...ref, apiGroup: ref.apiGroup || RBAC_GROUP };
}

function sameRef(a: { apiGroup?: string; kind: string; name: string }, b: { apiGroup?: string; kind: string; name: string }): boolean {
  return (a.apiGroup || RBAC_GROUP) === (b.apiGroup || RBAC_GROUP) && a.kind === b.kind && a.name === b.name;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
