// ValidatingAdmissionPolicyBindings (upstream pkg/registry/admissionregistration/validatingadmissionpolicybinding):
// generation counts spec changes.
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import { admissionPolicyRules } from '../../../api/validation/admission-policy.js';
import type { ResourceStrategy } from '../strategy.js';

export const validatingAdmissionPolicyBindingStrategy: ResourceStrategy = {
  tracksGeneration: true,
  defaults: admissionDefaults.ValidatingAdmissionPolicyBinding,
  rules: admissionPolicyRules.ValidatingAdmissionPolicyBinding,
};
