// MutatingWebhookConfigurations (upstream pkg/registry/admissionregistration/mutatingwebhookconfiguration):
// generation counts changes to the webhooks; validation as upstream's (api/validation/webhook-configurations).
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import { webhookConfigurationRules } from '../../../api/validation/webhook-configurations.js';
import type { ResourceStrategy } from '../strategy.js';

export const mutatingWebhookConfigurationStrategy: ResourceStrategy = {
  tracksGeneration: true,
  defaults: admissionDefaults.MutatingWebhookConfiguration,
  rules: webhookConfigurationRules(true),
};
