// ValidatingAdmissionPolicies (upstream pkg/registry/admissionregistration/validatingadmissionpolicy):
// status only through /status, generation counts spec changes, every expression compiles.
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import { admissionPolicyRules } from '../../../api/validation/admission-policy.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const validatingAdmissionPolicyStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: admissionDefaults.ValidatingAdmissionPolicy,
  rules: admissionPolicyRules.ValidatingAdmissionPolicy,
});
