// PodTemplates (upstream pkg/registry/core/podtemplate): the template is defaulted and validated
// as a pod's would be.
import { coreDefaults } from '../../../api/defaults/core.js';
import { coreWorkloadRules } from '../../../api/validation/core-workloads.js';
import type { ResourceStrategy } from '../strategy.js';

export const podTemplateStrategy: ResourceStrategy = {
  defaults: coreDefaults.PodTemplate,
  rules: coreWorkloadRules.PodTemplate,
};
