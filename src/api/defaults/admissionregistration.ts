// Defaults for admissionregistration.k8s.io/v1 (pkg/apis/admissionregistration/v1/defaults.go).
import type { Defaulter, Obj } from './types.js';

/** Match rules shared by webhooks and admission policies: everything, equivalently, everywhere. */
function defaultMatching(m: Obj): void {
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
}

function defaultRules(rules: Obj[] | undefined): void {
  for (const r of rules ?? []) r.scope ??= '*';
}

function defaultWebhooks(o: Obj, mutating: boolean): void {
  for (const w of o.webhooks ?? []) {
    w.failurePolicy ??= 'Fail';
    defaultMatching(w);
    w.timeoutSeconds ??= 10;
    if (mutating) w.reinvocationPolicy ??= 'Never';
    defaultRules(w.rules);
    if (w.clientConfig?.service) w.clientConfig.service.port ??= 443;
  }
}

export const admissionDefaults: Record<string, Defaulter> = {
  ValidatingWebhookConfiguration: o => defaultWebhooks(o, false),
  MutatingWebhookConfiguration: o => defaultWebhooks(o, true),
  ValidatingAdmissionPolicy(o) {
    const spec = (o.spec ??= {});
    spec.failurePolicy ??= 'Fail';
    if (spec.matchConstraints) {
      defaultMatching(spec.matchConstraints);
      defaultRules(spec.matchConstraints.resourceRules);
      defaultRules(spec.matchConstraints.excludeResourceRules);
    }
  },
  ValidatingAdmissionPolicyBinding(o) {
    const m = o.spec?.matchResources;
    if (m) {
      defaultMatching(m);
      defaultRules(m.resourceRules);
      defaultRules(m.excludeResourceRules);
    }
  },
};
