// ValidatingAdmissionPolicies (upstream pkg/registry/admissionregistration/validatingadmissionpolicy):
// status only through /status, generation counts spec changes.
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const validatingAdmissionPolicyStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: admissionDefaults.ValidatingAdmissionPolicy,
});
