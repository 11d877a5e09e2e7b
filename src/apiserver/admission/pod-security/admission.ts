// PodSecurity admission, as upstream's plugin/pkg/admission/security/podsecurity over
// k8s.io/pod-security-admission: on create and update,
// - a Pod is checked against its namespace's enforce level (rejected with upstream's message),
//   audit level (the audit-violations audit annotation) and warn level (a Warning to the client);
// - a workload's pod template (Deployment, Job, ...) gets the audit annotation and warnings only;
// - a Namespace's pod-security labels must be valid, and tightening its enforce level warns about
//   the existing pods that would now be rejected.
// Exempt users, namespaces and runtime classes are let through, with an `exempt` audit annotation.
import { ForbiddenError, InvalidError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import type { ObjectMeta, PodSpec, PodTemplateSpec } from '../../../api/types/generated.js';
import type { RequestContext } from '../../context.js';
import { namespacePrefix } from '../../registry/keys.js';
import type { Registry } from '../../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';
import { evaluatePod, forbiddenDetail, forbiddenReason, type AggregateResult } from './evaluator.js';
import { ALL_PRIVILEGED, AUDIT_ANNOTATION_PREFIX, compareLevels, levelVersionString, policyToEvaluate, PRIVILEGED_LATEST, sameLevelVersion, versionString, type LevelVersion, type Policy } from './policy.js';

/** The plugin's configuration (upstream's PodSecurityConfiguration); the default is upstream's. */
export interface PodSecurityConfig {
  defaults: Policy;
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] };
}
export const DEFAULT_POD_SECURITY_CONFIG: PodSecurityConfig = { defaults: ALL_PRIVILEGED, exemptions: { usernames: [], namespaces: [], runtimeClasses: [] } };

/** What a namespace's label change may look at: its pods. */
const NAMESPACE_MAX_PODS_TO_CHECK = 3000;
const NAMESPACE_POD_CHECK_TIMEOUT_MS = 1000;

/** Pod subresources that cannot change what the policy looks at. */
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

type Pod = KubeObject & { spec?: PodSpec };
type Template = PodTemplateSpec | undefined | null;

/** The shapes of the workloads that carry a pod template. */
interface Workload {
  template?: Template;
  spec?: { template?: Template; jobTemplate?: { spec?: { template?: Template } } };
}

/** The pod template of each workload resource upstream checks ("group/resource"). */
const TEMPLATE_OF = new Map<string, (o: Workload) => Template>([
  ['/replicationcontrollers', o => o.spec?.template],
  ['/podtemplates', o => o.template],
  ['apps/replicasets', o => o.spec?.template],
  ['apps/deployments', o => o.spec?.template],
  ['apps/statefulsets', o => o.spec?.template],
  ['apps/daemonsets', o => o.spec?.template],
  ['batch/jobs', o => o.spec?.template],
  ['batch/cronjobs', o => o.spec?.jobTemplate?.spec?.template],
]);

export interface PodSecuritySources {
  namespace(name: string): KubeObject | undefined;
  pods(namespace: string): KubeObject[];
}

export function podSecurityAdmission(registry: () => Registry, config: PodSecurityConfig = DEFAULT_POD_SECURITY_CONFIG): AdmissionPlugin {
  return podSecurityAdmissionFrom({
    namespace: name => registry().get('', 'namespaces').getCached('', name)?.object,
    pods: ns => {
      const store = registry().get('', 'pods');
      return store.cache.list(namespacePrefix(store.info, ns)).map(e => e.object);
    },
  }, config);
}

export function podSecurityAdmissionFrom(sources: PodSecuritySources, config: PodSecurityConfig = DEFAULT_POD_SECURITY_CONFIG): AdmissionPlugin {
  const exemptNamespace = (ns: string) => !!ns && config.exemptions.namespaces.includes(ns);
  const exemptUser = (user: string) => !!user && config.exemptions.usernames.includes(user);
  const exemptRuntimeClass = (rc: string | undefined | null) => !!rc && config.exemptions.runtimeClasses.includes(rc);
  const policyOf = (labels: Record<string, string> | undefined) => policyToEvaluate(labels, config.defaults);

  function annotate(ctx: RequestContext, annotations: Record<string, string>): void {
    for (const [k, v] of Object.entries(annotations)) (ctx.auditAnnotations ??= {})[AUDIT_ANNOTATION_PREFIX + k] = v;
  }
  function warn(ctx: RequestContext, message: string): void {
    // A write retried after a conflict is admitted again: say each thing once, as upstream's recorder does.
    if (!ctx.warnings.includes(message)) ctx.warnings.push(message);
  }

  /** Evaluates enforce (pods only), audit and warn; the cache reuses a result for an identical level:version. */
  function evaluate(a: AdmissionAttributes, policy: Policy, policyErrors: string | undefined, meta: ObjectMeta, spec: PodSpec, enforce: boolean): void {
    if (exemptRuntimeClass(spec.runtimeClassName)) return annotate(a.ctx, { exempt: 'runtimeClass' });
    const annotations: Record<string, string> = {};
    if (policyErrors) annotations.error = `Failed to parse policy: ${policyErrors}`;
    const results = new Map<string, AggregateResult>();
    const resultFor = (lv: LevelVersion) => {
      const key = levelVersionString(lv);
      let r = results.get(key);
      if (!r) results.set(key, r = evaluatePod(lv, meta, spec));
      return r;
    };
    let denial: ForbiddenError | undefined;
    if (enforce) {
      annotations['enforce-policy'] = levelVersionString(policy.enforce);
      const r = resultFor(policy.enforce);
      if (!r.allowed) {
        denial = new ForbiddenError(`${resourceName(a)} "${a.name}" is forbidden: violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(r)}`,
          { group: a.resource.group, resource: a.resource.resource, name: a.name });
      }
    }
    const audit = resultFor(policy.audit);
    if (!audit.allowed) annotations['audit-violations'] = `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(audit)}`;
    annotate(a.ctx, annotations);
    if (denial) throw denial;
    const warnResult = resultFor(policy.warn);
    if (!warnResult.allowed) warn(a.ctx, `would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(warnResult)}`);
  }

  /** The namespace's policy, or undefined when it does not exist (NamespaceLifecycle answers that). */
  function namespacePolicy(ns: string): { policy: Policy; errors: string | undefined } | undefined {
    const namespace = sources.namespace(ns);
    if (!namespace) return undefined;
    const { policy, errors } = policyOf(namespace.metadata.labels);
    return { policy, errors: errors.length ? aggregate(errors.map(e => e.toString())) : undefined };
  }

  function validatePod(a: AdmissionAttributes): void {
    if (IGNORED_POD_SUBRESOURCES.has(a.subresource)) return;
    if (exemptNamespace(a.namespace)) return annotate(a.ctx, { exempt: 'namespace' });
    if (exemptUser(a.ctx.user.username)) return annotate(a.ctx, { exempt: 'user' });
    const ns = namespacePolicy(a.namespace);
    if (!ns) return;
    const { policy, errors } = ns;
    if (!errors && policy.enforce.level === 'privileged' && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') {
      return annotate(a.ctx, { 'enforce-policy': levelVersionString(PRIVILEGED_LATEST) });
    }
    const pod = a.object as Pod;
    if (a.operation === 'UPDATE' && a.oldObject && !isSignificantPodUpdate(pod, a.oldObject as Pod)) return;
    evaluate(a, policy, errors, pod.metadata, pod.spec ?? { containers: [] }, true);
  }

  function validatePodController(a: AdmissionAttributes, template: (o: Workload) => Template): void {
    if (a.subresource) return;
    if (exemptNamespace(a.namespace)) return annotate(a.ctx, { exempt: 'namespace' });
    if (exemptUser(a.ctx.user.username)) return annotate(a.ctx, { exempt: 'user' });
    const ns = namespacePolicy(a.namespace);
    if (!ns) return;
    if (!ns.errors && ns.policy.warn.level === 'privileged' && ns.policy.audit.level === 'privileged') return;
    const t = template(a.object as Workload);
    if (!t) return;
    evaluate(a, ns.policy, ns.errors, t.metadata ?? {}, t.spec ?? { containers: [] }, false);
  }

  function validateNamespace(a: AdmissionAttributes): void {
    if (a.subresource) return;
    const ns = a.object!;
    const next = policyOf(ns.metadata.labels);
    const invalid = () => new InvalidError('Namespace', ns.metadata.name ?? a.name, '', next.errors);
    if (a.operation === 'CREATE') {
      if (next.errors.length) throw invalid();
      return;
    }
    const old = policyOf(a.oldObject?.metadata.labels);
    const text = (errs: typeof next.errors) => errs.map(e => e.toString()).join('\n');
    if (next.errors.length && (!old.errors.length || text(next.errors) !== text(old.errors))) throw invalid();
    const enforce = next.policy.enforce;
    const before = old.policy.enforce;
    if (sameLevelVersion(enforce, before) || enforce.level === 'privileged') return;
    if (versionString(enforce.version) === versionString(before.version) && compareLevels(enforce.level, before.level) < 1) return;
    if (exemptNamespace(a.namespace || ns.metadata.name || '')) return annotate(a.ctx, { exempt: 'namespace' });
    for (const w of evaluatePodsInNamespace(ns.metadata.name ?? a.name, enforce)) warn(a.ctx, w);
  }

  /** Upstream's warnings for existing pods that the new enforce level would reject, one per distinct reason. */
  function evaluatePodsInNamespace(namespace: string, enforce: LevelVersion): string[] {
    const deadline = Date.now() + NAMESPACE_POD_CHECK_TIMEOUT_MS;
    const pods = prioritizePods(sources.pods(namespace) as Pod[]);
    const total = pods.length;
    const toCheck = pods.slice(0, NAMESPACE_MAX_PODS_TO_CHECK);
    let checked = toCheck.length;
    const byWarning = new Map<string, { podName: string; count: number }>();
    for (let i = 0; i < toCheck.length; i++) {
      const pod = toCheck[i];
      const r = evaluatePod(enforce, pod.metadata, pod.spec ?? { containers: [] });
      if (!r.allowed) {
        const w = forbiddenReason(r);
        const seen = byWarning.get(w);
        const name = pod.metadata.name ?? '';
        if (!seen) byWarning.set(w, { podName: name, count: 1 });
        else { seen.count++; if (name < seen.podName) seen.podName = name; }
      }
      if (Date.now() > deadline) { checked = i + 1; break; }
    }
    const warnings: string[] = [];
    if (checked < total) warnings.push(`new PodSecurity enforce level only checked against the first ${checked} of ${total} existing pods`);
    if (byWarning.size) warnings.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
    const decorated = [...byWarning].map(([w, { podName, count }]) =>
      count === 1 ? `${podName}: ${w}` : count === 2 ? `${podName} (and 1 other pod): ${w}` : `${podName} (and ${count - 1} other pods): ${w}`);
    return [...warnings, ...decorated.sort(goStringCompare)];
  }

  /** Exempt runtime classes out; one pod per controller first, the other replicas after. */
  function prioritizePods(pods: Pod[]): Pod[] {
    const first: Pod[] = [];
    const duplicates: Pod[] = [];
    const seen = new Set<string>();
    for (const pod of pods) {
      if (exemptRuntimeClass(pod.spec?.runtimeClassName)) continue;
      const owner = pod.metadata.ownerReferences?.find(r => r.controller);
      if (!owner) first.push(pod);
      else if (seen.has(owner.uid)) duplicates.push(pod);
      else { seen.add(owner.uid); first.push(pod); }
    }
    return [...first, ...duplicates];
  }

  return {
    name: 'PodSecurity',
    validate(a: AdmissionAttributes): void {
      if ((a.operation !== 'CREATE' && a.operation !== 'UPDATE') || !a.object) return;
      const { group, resource } = a.resource;
      if (group === '' && resource === 'namespaces') return validateNamespace(a);
      if (group === '' && resource === 'pods') return validatePod(a);
      const template = TEMPLATE_OF.get(`${group}/${resource}`);
      if (template) validatePodController(a, template);
    },
  };
}

const resourceName = (a: AdmissionAttributes) => `${a.resource.resource}${a.resource.group ? '.' + a.resource.group : ''}`;

/** Go's errors aggregate: one message as it is, several in brackets. */
const aggregate = (msgs: string[]): string => (msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`);

/** Byte order, as Go's sort.Strings. */
const goStringCompare = (x: string, y: string) => (Buffer.compare(Buffer.from(x), Buffer.from(y)));

/**
 * Whether a pod update can change the policy's verdict: only images, the seccomp annotations and
 * the containers lists are mutable on a pod (and ephemeral containers may be added).
 */
function isSignificantPodUpdate(pod: Pod, old: Pod): boolean {
  const ann = pod.metadata.annotations ?? {};
  const oldAnn = old.metadata.annotations ?? {};
  if (ann['seccomp.security.alpha.kubernetes.io/pod'] !== oldAnn['seccomp.security.alpha.kubernetes.io/pod']) return true;
  const spec = pod.spec ?? { containers: [] };
  const oldSpec = old.spec ?? { containers: [] };
  const changed = (c: { name: string; image?: string }, o: { name: string; image?: string }) => {
    const key = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
    return c.image !== o.image || ann[key] !== oldAnn[key];
  };
  for (const list of ['containers', 'initContainers'] as const) {
    const now = spec[list] ?? [];
    const before = oldSpec[list] ?? [];
    if (now.length !== before.length) return true;
    if (now.some((c, i) => changed(c, before[i]))) return true;
  }
  for (const c of spec.ephemeralContainers ?? []) {
    const o = (oldSpec.ephemeralContainers ?? []).find(e => e.name === c.name);
    if (!o || changed(c, o)) return true;
  }
  return false;
}
