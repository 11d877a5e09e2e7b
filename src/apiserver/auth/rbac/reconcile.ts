// Reconciles the bootstrap policy at every server start, as upstream's RBAC post-start hook: a
// missing default role or binding is created; an existing one gains the labels, annotations,
// rules, aggregation selectors and subjects it lacks (nothing is removed), unless annotated
// `rbac.authorization.kubernetes.io/autoupdate: "false"`. A binding whose roleRef changed is re-created.
import { AlreadyExistsError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import type { AggregationRule, ClusterRole, ClusterRoleBinding, LabelSelector, ObjectMeta, Role, RoleBinding, Subject } from '../../../api/types/generated.js';
import { systemContext, type RequestContext } from '../../context.js';
import type { Registry } from '../../registry/registry.js';
import { covers } from './covers.js';
import { AUTOUPDATE_ANNOTATION } from './policy/rule.js';
import { bootstrapPolicy } from './policy/index.js';
import { RBAC_GROUP } from './source.js';

type AnyRole = Role | ClusterRole;
type AnyBinding = RoleBinding | ClusterRoleBinding;

/** The role `existing` should become, or undefined if it already has everything `expected` has. */
export function reconcileRole(existing: AnyRole, expected: AnyRole): AnyRole | undefined {
  const next: AnyRole & { aggregationRule?: AggregationRule } = structuredClone(existing);
  next.metadata = mergeMeta(existing.metadata ?? {}, expected.metadata ?? {});
  // Aggregated roles' rules belong to the aggregation controller.
  const wantAggregation = (expected as ClusterRole).aggregationRule;
  const haveAggregation = (existing as ClusterRole).aggregationRule;
  if (!(wantAggregation && haveAggregation)) {
    const { missing } = covers(existing.rules ?? [], expected.rules ?? []);
    if (missing.length) next.rules = [...(existing.rules ?? []), ...missing];
  }
  if (wantAggregation) {
    const have = haveAggregation?.clusterRoleSelectors ?? [];
    const missing = (wantAggregation.clusterRoleSelectors ?? []).filter(s => !have.some(h => sameSelector(h, s)));
    if (missing.length) next.aggregationRule = { clusterRoleSelectors: [...have, ...missing] };
  }
  return JSON.stringify(next) === JSON.stringify(existing) ? undefined : next;
}

/** The binding `existing` should become (`recreate` when its roleRef must change), or undefined. */
export function reconcileBinding(existing: AnyBinding, expected: AnyBinding): { binding: AnyBinding; recreate: boolean } | undefined {
  const next: AnyBinding = structuredClone(existing);
  next.metadata = mergeMeta(existing.metadata ?? {}, expected.metadata ?? {});
  const recreate = JSON.stringify(existing.roleRef) !== JSON.stringify(expected.roleRef);
  if (recreate) next.roleRef = expected.roleRef;
  const have = existing.subjects ?? [];
  const missing = (expected.subjects ?? []).filter(s => !have.some(h => sameSubject(h, s)));
  if (missing.length) next.subjects = [...have, ...missing];
  return !recreate && JSON.stringify(next) === JSON.stringify(existing) ? undefined : { binding: next, recreate };
}

export function isProtected(o: { metadata?: ObjectMeta }): boolean {
  return o.metadata?.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';
}

export async function reconcileBootstrapPolicy(registry: Registry): Promise<void> {
  const ctx = systemContext();
  const policy = bootstrapPolicy();
  for (const r of policy.clusterRoles) await ensureRole(registry, ctx, 'clusterroles', r);
  for (const r of policy.roles) await ensureRole(registry, ctx, 'roles', r);
  for (const b of policy.clusterRoleBindings) await ensureBinding(registry, ctx, 'clusterrolebindings', b);
  for (const b of policy.roleBindings) await ensureBinding(registry, ctx, 'rolebindings', b);
}

async function ensureRole(registry: Registry, ctx: RequestContext, resource: string, expected: AnyRole): Promise<void> {
  const store = registry.get(RBAC_GROUP, resource);
  const { name = '', namespace = '' } = expected.metadata ?? {};
  const existing = store.getCached(namespace, name)?.object as AnyRole | undefined;
  if (!existing) return createIgnoringRace(() => store.create(ctx, namespace, structuredClone(expected) as unknown as KubeObject));
  if (isProtected(existing) || !reconcileRole(existing, expected)) return;
  await store.patch(ctx, namespace, name, async live => (reconcileRole(live as unknown as AnyRole, expected) ?? live) as unknown as KubeObject);
}

async function ensureBinding(registry: Registry, ctx: RequestContext, resource: string, expected: AnyBinding): Promise<void> {
  const store = registry.get(RBAC_GROUP, resource);
  const { name = '', namespace = '' } = expected.metadata ?? {};
  const existing = store.getCached(namespace, name)?.object as AnyBinding | undefined;
  if (!existing) return createIgnoringRace(() => store.create(ctx, namespace, structuredClone(expected) as unknown as KubeObject));
  if (isProtected(existing)) return;
  const result = reconcileBinding(existing, expected);
  if (!result) return;
  if (result.recreate) {
    // roleRef is immutable: upstream deletes and creates the binding again.
    await store.delete(ctx, namespace, name);
    const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, ...metadata } = result.binding.metadata ?? {};
    return createIgnoringRace(() => store.create(ctx, namespace, { ...result.binding, metadata } as unknown as KubeObject));
  }
  await store.patch(ctx, namespace, name, async live => (reconcileBinding(live as unknown as AnyBinding, expected)?.binding ?? live) as unknown as KubeObject);
}

async function createIgnoringRace(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    // Another API server reconciling at the same time created it first.
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
}

/** Labels and annotations of `expected` are added; values already set are kept. */
function mergeMeta(existing: ObjectMeta, expected: ObjectMeta): ObjectMeta {
  const out = { ...existing };
  const add = (have: Record<string, string> | undefined, want: Record<string, string> | undefined) => {
    const merged = { ...have };
    for (const [k, v] of Object.entries(want ?? {})) if (!(k in merged)) merged[k] = v;
    return merged;
  };
  const labels = add(existing.labels, expected.labels);
  const annotations = add(existing.annotations, expected.annotations);
  if (Object.keys(labels).length) out.labels = labels;
  if (Object.keys(annotations).length) out.annotations = annotations;
  return out;
}

function sameSelector(a: LabelSelector, b: LabelSelector): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && (a.apiGroup ?? '') === (b.apiGroup ?? '');
}
