// ValidatingWebhookConfigurations (upstream pkg/registry/admissionregistration/validatingwebhookconfiguration):
// generation counts changes to the webhooks.
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import type { ResourceStrategy } from '../strategy.js';

export const validatingWebhookConfigurationStrategy: ResourceStrategy = {
  tracksGeneration: true,
  defaults: admissionDefaults.ValidatingWebhookConfiguration,
};
