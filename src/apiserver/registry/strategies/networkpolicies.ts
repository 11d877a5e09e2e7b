// NetworkPolicies (upstream pkg/registry/networking/networkpolicy): generation counts spec changes.
import { networkingDefaults } from '../../../api/defaults/networking.js';
import { networkingRules } from '../../../api/validation/networking.js';
import type { ResourceStrategy } from '../strategy.js';

export const networkPolicyStrategy: ResourceStrategy = {
  tracksGeneration: true,
  defaults: networkingDefaults.NetworkPolicy,
  rules: networkingRules.NetworkPolicy,
};
