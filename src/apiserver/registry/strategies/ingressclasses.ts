// IngressClasses (upstream pkg/registry/networking/ingressclass): only defaults.
import { networkingDefaults } from '../../../api/defaults/networking.js';
import type { ResourceStrategy } from '../strategy.js';

export const ingressClassStrategy: ResourceStrategy = {
  defaults: networkingDefaults.IngressClass,
};
