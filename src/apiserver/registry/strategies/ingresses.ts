// Ingresses (upstream pkg/registry/networking/ingress): status only through /status, generation
// counts spec changes.
import { networkingRules } from '../../../api/validation/networking.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const ingressStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  rules: networkingRules.Ingress,
});
