// Which rules apply to a user in a namespace (upstream's DefaultRuleResolver): the rules of every
// ClusterRoleBinding naming the user, one of its groups or its service account, then those of the
// RoleBindings in the namespace. Bindings are indexed by subject and the index is rebuilt only after
// a binding changes, so a request costs a few map lookups, never a store read.
import { NotFoundError } from '../../../api/errors.js';
import type { ClusterRoleBinding, PolicyRule, RoleBinding, RoleRef, Subject } from '../../../api/types/generated.js';
import type { UserInfo } from '../../context.js';
import { serviceAccountUsername } from '../serviceaccount/claims.js';
import type { RbacSource } from './source.js';

/** Gets each rule with a description of where it came from; returns false to stop. A rule is undefined when `error` is set. */
export type RuleVisitor = (describe: () => string, rule: PolicyRule | undefined, error?: string) => boolean;

interface Indexed {
  binding: RoleBinding | ClusterRoleBinding;
  ordinal: number;
}

type SubjectIndex = Map<string, Indexed[]>;

export class RuleResolver {
  private clusterIndex: SubjectIndex = new Map();
  private namespaceIndex = new Map<string, SubjectIndex>();
  private stale = true;
  private subscribed = false;

  constructor(private readonly source: RbacSource) {}

  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    this.refresh();
    for (const { binding } of matching(this.clusterIndex, user)) {
      if (!this.visitBinding(binding, '', user, visit)) return;
    }
    if (!namespace) return;
    const local = this.namespaceIndex.get(namespace);
    if (!local) return;
    for (const { binding } of matching(local, user)) {
      if (!this.visitBinding(binding, namespace, user, visit)) return;
    }
  }

  /** Every rule that applies, and the errors met resolving them (missing roles). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_d, rule, error) => {
      if (rule) rules.push(rule);
      if (error) errors.push(error);
      return true;
    });
    return { rules, errors };
  }

  /** The rules a roleRef grants in `namespace` ('' for a ClusterRoleBinding); NotFound if the role is missing. */
  roleRefRules(roleRef: RoleRef, namespace: string): PolicyRule[] {
    if (roleRef.kind === 'Role') {
      const role = this.source.role(namespace, roleRef.name);
      if (!role) throw new NotFoundError({ group: 'rbac.authorization.k8s.io', resource: 'role', name: roleRef.name });
      return role.rules ?? [];
    }
    if (roleRef.kind === 'ClusterRole') {
      const role = this.source.clusterRole(roleRef.name);
      if (!role) throw new NotFoundError({ group: 'rbac.authorization.k8s.io', resource: 'clusterrole', name: roleRef.name });
      return role.rules ?? [];
    }
    throw new Error(`unsupported role reference kind: "${roleRef.kind}"`);
  }

  private visitBinding(binding: RoleBinding | ClusterRoleBinding, namespace: string, user: UserInfo, visit: RuleVisitor): boolean {
    const subject = (binding.subjects ?? []).find(s => appliesTo(s, user, namespace));
    if (!subject) return true;
    let rules: PolicyRule[];
    try {
      rules = this.roleRefRules(binding.roleRef, namespace);
    } catch (err) {
      return visit(() => '', undefined, (err as Error).message);
    }
    const describe = () => describeBinding(binding, namespace, subject);
    for (const rule of rules) if (!visit(describe, rule)) return false;
    return true;
  }

  private refresh(): void {
    // Subscribed on first use: the registry is still being built when the resolver is made.
    if (!this.subscribed) {
      this.subscribed = true;
      this.source.onBindingsChange(() => { this.stale = true; });
    }
    if (!this.stale) return;
    this.stale = false;
    const cluster: SubjectIndex = new Map();
    const namespaced = new Map<string, SubjectIndex>();
    let ordinal = 0;
    for (const b of this.source.clusterRoleBindings()) addToIndex(cluster, b, '', ordinal++);
    for (const b of this.source.roleBindings()) {
      const ns = b.metadata?.namespace ?? '';
      let index = namespaced.get(ns);
      if (!index) namespaced.set(ns, index = new Map());
      addToIndex(index, b, ns, ordinal++);
    }
    this.clusterIndex = cluster;
    this.namespaceIndex = namespaced;
  }
}

function addToIndex(index: SubjectIndex, binding: RoleBinding | ClusterRoleBinding, namespace: string, ordinal: number): void {
  const seen = new Set<string>();
  for (const s of binding.subjects ?? []) {
    const key = subjectKey(s, namespace);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    let list = index.get(key);
    if (!list) index.set(key, list = []);
    list.push({ binding, ordinal });
  }
}

/** The index key a subject is found under: users and service accounts by user name, groups by group. */
function subjectKey(s: Subject, namespace: string): string | undefined {
  switch (s.kind) {
    case 'User': return `u:${s.name}`;
    case 'Group': return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || namespace;
      return ns ? `u:${serviceAccountUsername(ns, s.name)}` : undefined;
    }
    default: return undefined;
  }
}

/** The bindings naming the user or one of its groups, once each, in the source's order. */
function matching(index: SubjectIndex, user: UserInfo): Indexed[] {
  const byUser = index.get(`u:${user.username}`);
  let out: Indexed[] | undefined = byUser;
  let merged = false;
  for (const g of user.groups) {
    const list = index.get(`g:${g}`);
    if (!list) continue;
    if (!out) { out = list; continue; }
    if (!merged) { out = [...out]; merged = true; }
    out.push(...list);
  }
  if (!out) return [];
  if (!merged) return out;
  const unique = new Map<number, Indexed>();
  for (const e of out) unique.set(e.ordinal, e);
  return [...unique.values()].sort((a, b) => a.ordinal - b.ordinal);
}

/** Upstream's appliesToUser: a binding's ServiceAccount without a namespace is in the binding's. */
export function appliesTo(s: Subject, user: UserInfo, namespace: string): boolean {
  switch (s.kind) {
    case 'User': return user.username === s.name;
    case 'Group': return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || namespace;
      return !!ns && user.username === serviceAccountUsername(ns, s.name);
    }
    default: return false;
  }
}

function describeSubject(s: Subject, namespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.name}/${s.namespace || namespace}"`;
  return `${s.kind} "${s.name}"`;
}

function describeBinding(b: RoleBinding | ClusterRoleBinding, namespace: string, s: Subject): string {
  const name = b.metadata?.name ?? '';
  return namespace
    ? `RoleBinding "${name}/${namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(s, namespace)}`
    : `ClusterRoleBinding "${name}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(s, namespace)}`;
}
