// The ValidatingAdmissionPolicy admission plugin, as upstream's policy/validating dispatcher: for
// each policy matching the request (matchConstraints) and each of its bindings matching too
// (matchResources), evaluate the policy once per param; a failed validation is enforced per the
// binding's validationActions — Deny rejects with upstream's message, Warn adds a warning, Audit
// an audit annotation — and configuration errors follow the policy's failurePolicy.
// The policy, binding and admission configuration resources themselves are exempt, as upstream.
import { CelAuthorizer, toCelInput, type CelInput } from '../../api/cel/index.js';
import type { ResourceInfo } from '../../api/catalog.js';
import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { Obj } from '../../api/validation/types.js';
import type { Authorizer } from '../auth/authorizer.js';
import type { RequestContext } from '../context.js';
import type { Registry } from '../registry/registry.js';
import type { PolicyDecision, PolicyInput } from './policy/compiled-policy.js';
import { matchResources, type MatchContext } from './policy/matching.js';
import { collectParams, ParamError } from './policy/params.js';
import { PolicySource, type PolicyHook } from './policy/policy-source.js';
import { celAuthorizeFn } from './cel-authorize.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

const EXEMPT = new Set(['validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);
const FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';
const MAX_AUDIT_VALUE = 10 * 1024;
/** Each round settles the authorizer answers the previous one lacked; real policies need one or two. */
const MAX_AUTHZ_ROUNDS = 16;

interface Denial {
  policy: string;
  binding?: string;
  message: string;
  reason?: string;
}

/** Upstream's reasonToCode. */
function reasonCode(reason: string): number {
  return reason === 'Forbidden' ? 403 : reason === 'RequestEntityTooLarge' ? 413 : 422;
}

/** admission.NewForbidden with the decision's reason and code, and the message as its one cause. */
export class PolicyDeniedError extends StatusError {
  constructor(a: AdmissionAttributes, d: Denial) {
    const message = d.binding
      ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
      : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
    const reason = d.reason || 'Invalid';
    const name = a.name || a.object?.metadata?.name || '';
    const resource = a.resource.group ? `${a.resource.resource}.${a.resource.group}` : a.resource.resource;
    super(reasonCode(reason), reason as never, `${resource}${name ? ` "${name}"` : ''} is forbidden: ${message}`, {
      name, group: a.resource.group, kind: a.resource.resource, causes: [{ message }],
    });
  }
}

/** Upstream's admission request as CEL's `request` (object, oldObject and options left out). */
function requestVariable(a: AdmissionAttributes, matched: ResourceInfo): Obj {
  const user = a.ctx.user;
  return {
    kind: { group: matched.group, version: matched.version, kind: matched.kind },
    resource: { group: matched.group, version: matched.version, resource: matched.resource },
    ...(a.subresource ? { subResource: a.subresource } : {}),
    requestKind: { group: a.resource.group, version: a.resource.version, kind: a.resource.kind },
    requestResource: { group: a.resource.group, version: a.resource.version, resource: a.resource.resource },
    ...(a.subresource ? { requestSubResource: a.subresource } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    operation: a.operation,
    userInfo: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), ...(user.groups.length ? { groups: user.groups } : {}), ...(user.extra ? { extra: user.extra } : {}) },
    dryRun: a.ctx.dryRun,
  };
}

/** upstream's CreateNamespaceObject: the namespace without managed fields and owners. */
function namespaceVariable(ns: KubeObject | undefined): Obj | null {
  if (!ns) return null;
  const { managedFields: _m, ownerReferences: _o, ...metadata } = ns.metadata as Obj;
  return { metadata, spec: ns.spec, status: ns.status };
}

export function validatingAdmissionPolicy(registry: () => Registry, authorizer: () => Authorizer): AdmissionPlugin {
  const source = new PolicySource(registry);
  const match: MatchContext = {
    namespaceLabels: name => registry().get('', 'namespaces').getCached('', name)?.object.metadata.labels as Record<string, string> | undefined,
    equivalents: r => registry().catalog.all().filter(o => o.group === r.group && o.resource === r.resource && o.version !== r.version),
  };
  const authorizeFn = celAuthorizeFn(authorizer);

  /** Evaluates the policies bound to the write and acts on their denials. */
  async function validateWith(hooks: PolicyHook[], a: AdmissionAttributes): Promise<void> {
    const denials: Denial[] = [];
    let celObjects: { object: CelInput; oldObject: CelInput } | undefined;
    const authz = new CelAuthorizer(authorizeFn, a.ctx.user);
    for (const hook of hooks) {
      const matched = matchResources(hook.compiled.policy.spec?.matchConstraints, a, match);
      if (!matched) continue;
      const policyName = hook.compiled.name;
      const failClosed = hook.compiled.policy.spec?.failurePolicy !== 'Ignore';
      if (hook.configError) {
        if (failClosed) denials.push({ policy: policyName, message: `failed to configure policy: ${hook.configError}` });
        continue;
      }
      const annotations = new Map<string, string[]>();
      for (const binding of hook.bindings) {
        if (!matchResources(binding.spec?.matchResources, a, match)) continue;
        const bindingName = binding.metadata?.name ?? '';
        let params: (KubeObject | null)[];
        try {
          params = collectParams(registry(), hook.compiled.policy, binding, a.namespace);
        } catch (err) {
          if (!(err instanceof ParamError)) throw err;
          if (failClosed) denials.push({ policy: policyName, binding: bindingName, message: `failed to configure binding: ${err.message}` });
          continue;
        }
        if (!params.length) continue;
        celObjects ??= { object: toCelInput(a.operation === 'DELETE' ? null : a.object), oldObject: toCelInput(a.operation === 'CREATE' ? null : a.oldObject) };
        const isNamespace = a.resource.group === '' && a.resource.resource === 'namespaces';
        const input: PolicyInput = {
          ...celObjects,
          request: toCelInput(requestVariable(a, matched.resource)),
          namespaceObject: toCelInput(a.namespace && !isNamespace ? namespaceVariable(registry().get('', 'namespaces').getCached('', a.namespace)?.object) : null),
          authorizer: authz,
          requestResource: authz.requestResource({ group: a.resource.group, resource: a.resource.resource, subresource: a.subresource, namespace: a.namespace, name: a.name }),
        };
        for (const param of params) {
          const celParam = toCelInput(param);
          let result = hook.compiled.validate(input, celParam);
          for (let round = 0; round < MAX_AUTHZ_ROUNDS && (await authz.settle()); round++) result = hook.compiled.validate(input, celParam);
          result.decisions.forEach((d, i) => enforce(a.ctx, d, i, policyName, binding, denials));
          for (const ann of result.auditAnnotations) {
            if (ann.action === 'publish') {
              const values = annotations.get(ann.key) ?? [];
              const value = ann.value!.slice(0, MAX_AUDIT_VALUE);
              if (!values.includes(value)) annotations.set(ann.key, [...values, value]);
            } else if (ann.action === 'error') {
              denials.push({ policy: policyName, binding: bindingName, message: ann.error! });
            }
          }
        }
      }
      for (const [key, values] of annotations) addAuditAnnotation(a.ctx, `${policyName}/${key}`, values.join(', '));
    }
    if (denials.length) throw new PolicyDeniedError(a, denials[0]!);
  }

  return {
    name: 'ValidatingAdmissionPolicy',
    // Only writes while some policy is bound wait on a promise (see AdmissionChain.run).
    validate(a) {
      if (a.resource.group === 'admissionregistration.k8s.io' && EXEMPT.has(a.resource.resource)) return;
      const hooks = source.current();
      if (!hooks.length) return;
      return validateWith(hooks, a);
    },
  };
}

/** As upstream's attributes.AddAnnotation: the first value of a key stays. */
function addAuditAnnotation(ctx: RequestContext, key: string, value: string): void {
  ctx.auditAnnotations ??= {};
  if (!Object.hasOwn(ctx.auditAnnotations, key)) ctx.auditAnnotations[key] = value;
}

function enforce(ctx: RequestContext, d: PolicyDecision, index: number, policy: string, binding: Obj, denials: Denial[]): void {
  if (d.action !== 'deny') return;
  const bindingName = binding.metadata?.name ?? '';
  const actions: string[] = binding.spec?.validationActions ?? [];
  for (const action of actions) {
    if (action === 'Deny') denials.push({ policy, binding: bindingName, message: d.message, reason: d.reason });
    else if (action === 'Warn') ctx.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${policy}' with binding '${bindingName}': ${d.message}`);
    else if (action === 'Audit') {
      addAuditAnnotation(ctx, FAILURE_ANNOTATION, JSON.stringify([{ message: d.message, policy, binding: bindingName, expressionIndex: index, validationActions: actions }]));
    }
  }
}
