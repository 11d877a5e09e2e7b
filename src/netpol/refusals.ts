// When the kernel refuses a sync's batch (say, a protocol whose match module this kernel lacks), the
// policies it refuses must not keep the others from being enforced. The search applies every policy
// in its isolation-only form (selected pods isolated, nothing allowed), then restores each policy's
// rules one at a time over the ones already accepted: at every step the pods stay at least as
// isolated as their policies say, and a refused policy stays in its isolation-only form.
import type { NetworkPolicyObject } from './types.js';

/** The policy without its rules: it still isolates the pods it selects, in the same directions. */
export function isolationOnly(p: NetworkPolicyObject): NetworkPolicyObject {
  const spec = p.spec ?? { podSelector: {} };
  const policyTypes = spec.policyTypes?.length ? spec.policyTypes : spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  return { ...p, spec: { podSelector: spec.podSelector, policyTypes } };
}

/**
 * Returns the policies whose rules `tryApply` refuses. `tryApply` applies a whole set of policies and
 * rejects when the kernel refuses it; when even the isolation-only forms are refused the problem is
 * not any one policy, and that error is thrown.
 */
export async function findRefusedPolicies(policies: NetworkPolicyObject[], tryApply: (ps: NetworkPolicyObject[]) => Promise<void>): Promise<NetworkPolicyObject[]> {
  const effective = policies.map(isolationOnly);
  await tryApply(effective);
  const refused: NetworkPolicyObject[] = [];
  for (let i = 0; i < policies.length; i++) {
    const candidate = [...effective];
    candidate[i] = policies[i];
    try {
      await tryApply(candidate);
      effective[i] = policies[i];
    } catch {
      refused.push(policies[i]);
    }
  }
  // The last attempt may have been a refused one: leave the node with what was accepted.
  if (refused.includes(policies[policies.length - 1])) await tryApply(effective);
  return refused;
}
