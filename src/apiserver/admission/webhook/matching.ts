// Which webhooks a request calls, as upstream's generic.Webhook.ShouldCallHook with the rules,
// namespace and object predicates: namespaceSelector, objectSelector, then the rules (Exact: the
// request's own group/version/resource; Equivalent: also the same resource at another served
// version, which the webhook then sees converted to that version).
import type { ResourceCatalog, ResourceInfo } from '../../../api/catalog.js';
import { NotFoundError, type StatusError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { selectorMatches, isEmptySelector } from '../../../api/validation/selector.js';
import type { Obj } from '../../../api/validation/types.js';
import type { AdmissionAttributes } from '../types.js';

export interface GroupVersionResource { group: string; version: string; resource: string }
export interface GroupVersionKind { group: string; version: string; kind: string }

/** One webhook of one configuration (upstream's WebhookAccessor). */
export interface WebhookAccessor {
  /** `<configuration>/<webhook>/<n>`: unique even when names repeat. */
  uid: string;
  configurationName: string;
  hook: Obj;
}

/** A webhook to call, and the version of the resource it is called with. */
export interface Invocation {
  webhook: WebhookAccessor;
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
}

/** The webhooks of the configurations, ordered by configuration name as upstream's source is. */
export function webhookAccessors(configurations: KubeObject[]): WebhookAccessor[] {
  const sorted = [...configurations].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const out: WebhookAccessor[] = [];
  for (const c of sorted) {
    const seen = new Map<string, number>();
    for (const hook of ((c as Obj).webhooks ?? []) as Obj[]) {
      const n = seen.get(hook.name) ?? 0;
      seen.set(hook.name, n + 1);
      out.push({ uid: `${c.metadata.name}/${hook.name}/${n}`, configurationName: c.metadata.name ?? '', hook });
    }
  }
  return out;
}

const ADMISSION_CONFIGURATION_KINDS = new Set([
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
]);

/** Writes of the admission configuration itself never go to webhooks, so a bad webhook cannot lock itself in. */
export function isExemptAdmissionConfiguration(kind: GroupVersionKind): boolean {
  return kind.group === 'admissionregistration.k8s.io' && ADMISSION_CONFIGURATION_KINDS.has(kind.kind);
}

/** The kind a request is about: the subresource's own kind (Binding, Scale, Eviction) or the resource's. */
export function kindOf(info: ResourceInfo, subresource: string): GroupVersionKind {
  const sub = subresource ? info.subresources.find(s => s.name === subresource) : undefined;
  if (sub) return { group: sub.group, version: sub.version, kind: sub.kind };
  return { group: info.group, version: info.version, kind: info.kind };
}

/**
 * The namespace of the request as upstream's attributes carry it: a Namespace's own requests are
 * in that namespace (except its create, whose URL names none).
 */
export function requestNamespace(a: AdmissionAttributes): string {
  if (isNamespaceResource(a.resource) && a.operation !== 'CREATE') return a.name;
  return a.namespace;
}

function isNamespaceResource(r: Pick<GroupVersionResource, 'group' | 'resource'>): boolean {
  return r.group === '' && r.resource === 'namespaces';
}

const exactOrWildcard = (items: string[] | undefined, requested: string) => (items ?? []).some(i => i === '*' || i === requested);

/** rules.Matcher: scope, operation, group, version, and resource with subresource. */
export function ruleMatches(rule: Obj, a: AdmissionAttributes, resource: GroupVersionResource): boolean {
  return scopeMatches(rule.scope, a, resource)
    && ((rule.operations ?? []) as string[]).some(op => op === '*' || op === a.operation)
    && exactOrWildcard(rule.apiGroups, resource.group)
    && exactOrWildcard(rule.apiVersions, resource.version)
    && ((rule.resources ?? []) as string[]).some(rs => {
      const slash = rs.indexOf('/');
      const res = slash < 0 ? rs : rs.slice(0, slash);
      const sub = slash < 0 ? '' : rs.slice(slash + 1);
      return (res === '*' || res === resource.resource) && (sub === '*' || sub === a.subresource);
    });
}

function scopeMatches(scope: string | undefined, a: AdmissionAttributes, resource: GroupVersionResource): boolean {
  if (scope === undefined || scope === null || scope === '*') return true;
  // Namespaces are cluster-scoped although their requests carry a namespace (their own name).
  const namespaceObject = isNamespaceResource(resource) && resource.version === 'v1';
  const namespace = requestNamespace(a);
  if (scope === 'Namespaced') return !namespaceObject && namespace !== '';
  if (scope === 'Cluster') return namespaceObject || namespace === '';
  return false;
}

/** Reads a namespace's labels; throws the NotFound a missing namespace gets. */
export type NamespaceLabels = (name: string) => Record<string, string> | undefined;

/**
 * namespace.Matcher: requests on cluster-scoped resources other than Namespaces always match; a
 * Namespace's create and update are judged by the labels they carry, everything else by the
 * stored namespace's labels.
 */
export function namespaceSelectorMatches(hook: Obj, a: AdmissionAttributes, labelsOf: NamespaceLabels): boolean {
  const namespace = requestNamespace(a);
  if (!namespace && !isNamespaceResource(a.resource)) return true;
  const selector: Obj | undefined = hook.namespaceSelector;
  if (!selector || isEmptySelector(selector)) return true;
  if (isNamespaceResource(a.resource) && !a.subresource && (a.operation === 'CREATE' || a.operation === 'UPDATE')) {
    return selectorMatches(selector, a.object?.metadata?.labels);
  }
  return selectorMatches(selector, labelsOf(namespace));
}

/** object.Matcher: the new or the old object's labels match (neither exists: no match). */
export function objectSelectorMatches(hook: Obj, a: AdmissionAttributes): boolean {
  const selector: Obj | undefined = hook.objectSelector;
  if (!selector || isEmptySelector(selector)) return true;
  const matches = (o: KubeObject | undefined) => !!o && selectorMatches(selector, o.metadata?.labels);
  return matches(a.object) || matches(a.oldObject);
}

/** The same resource at the other versions the server serves (upstream's equivalent resources that we can convert). */
export function equivalentResources(catalog: ResourceCatalog, info: ResourceInfo): ResourceInfo[] {
  return catalog.all().filter(r => r.group === info.group && r.resource === info.resource && r.version !== info.version);
}

/**
 * Whether to call the webhook, and with which version: undefined to skip it. A missing namespace
 * is an error only for a webhook whose rules match, as upstream.
 */
export function shouldCallHook(webhook: WebhookAccessor, a: AdmissionAttributes, catalog: ResourceCatalog, labelsOf: NamespaceLabels): Invocation | undefined {
  const hook = webhook.hook;
  let namespaceError: StatusError | undefined;
  let namespaceMatch: boolean;
  try {
    namespaceMatch = namespaceSelectorMatches(hook, a, labelsOf);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    namespaceError = err;
    namespaceMatch = false;
  }
  if (!namespaceMatch && !namespaceError) return undefined;
  if (!objectSelectorMatches(hook, a)) return undefined;

  const rules = (hook.rules ?? []) as Obj[];
  const own = a.resource;
  let invocation: Invocation | undefined;
  if (rules.some(r => ruleMatches(r, a, own))) {
    invocation = { webhook, resource: { group: own.group, version: own.version, resource: own.resource }, subresource: a.subresource, kind: kindOf(own, a.subresource) };
  } else if (hook.matchPolicy === 'Equivalent') {
    // Earlier rules first, then the equivalent versions in the catalog's order.
    outer: for (const r of rules) {
      for (const eq of equivalentResources(catalog, own)) {
        const gvr = { group: eq.group, version: eq.version, resource: eq.resource };
        if (!ruleMatches(r, a, gvr)) continue;
        if (a.subresource && !eq.subresources.some(s => s.name === a.subresource)) continue;
        invocation = { webhook, resource: gvr, subresource: a.subresource, kind: kindOf(eq, a.subresource) };
        break outer;
      }
    }
  }
  if (!invocation) return undefined;
  if (namespaceError) throw namespaceError;
  return invocation;
}

/** Labels of a stored namespace, or upstream's NotFound. */
export function namespaceLabelsFrom(get: (name: string) => KubeObject | undefined): NamespaceLabels {
  return name => {
    const ns = get(name);
    if (!ns) throw new NotFoundError({ group: '', resource: 'namespaces', name });
    return ns.metadata.labels;
  };
}
