// MutatingWebhookConfigurations (upstream pkg/registry/admissionregistration/mutatingwebhookconfiguration):
// generation counts changes to the webhooks.
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import type { ResourceStrategy } from '../strategy.js';

export const mutatingWebhookConfigurationStrategy: ResourceStrategy = {
  tracksGeneration: true,
  defaults: admissionDefaults.MutatingWebhookConfiguration,
};
