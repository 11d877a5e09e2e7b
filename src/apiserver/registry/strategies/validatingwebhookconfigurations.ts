// ValidatingWebhookConfigurations (upstream pkg/registry/admissionregistration/validatingwebhookconfiguration):
// generation counts changes to the webhooks; validation as upstream's (api/validation/webhook-configurations).
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import { webhookConfigurationRules } from '../../../api/validation/webhook-configurations.js';
import type { ResourceStrategy } from '../strategy.js';

export const validatingWebhookConfigurationStrategy: ResourceStrategy = {
  tracksGeneration: true,
  defaults: admissionDefaults.ValidatingWebhookConfiguration,
  rules: webhookConfigurationRules(false),
};
