// ValidatingAdmissionPolicy status controller (upstream's validatingadmissionpolicy-status-controller):
// once per policy generation, writes status.observedGeneration and status.typeChecking with the
// warnings of checking its expressions against the schemas of the kinds it matches.
import type { KubeObject } from '../../api/object.js';
import { ref } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { writeStatus } from '../workloads/status-writer.js';
import { typeCheckPolicy, type PolicyForTypeCheck } from './admission-policy-typecheck.js';

const POLICIES = ref('admissionregistration.k8s.io/v1', 'validatingadmissionpolicies', false);

type Policy = KubeObject & PolicyForTypeCheck & { status?: { observedGeneration?: number; typeChecking?: unknown; conditions?: unknown[] } };

export function admissionPolicyStatusController(): Controller {
  return {
    name: 'validatingadmissionpolicy-status-controller',
    watches: [{ resource: POLICIES }],
    async reconcile(key, ctx) {
      const policy = ctx.informer<Policy>(POLICIES).get(key);
      if (!policy || policy.metadata.deletionTimestamp) return;
      if (policy.status?.typeChecking && policy.status.observedGeneration === policy.metadata.generation) return;
      const warnings = typeCheckPolicy(policy);
      await writeStatus(ctx.client, POLICIES, policy, {
        ...policy.status,
        observedGeneration: policy.metadata.generation,
        typeChecking: warnings.length ? { expressionWarnings: warnings } : {},
      });
    },
  };
}
