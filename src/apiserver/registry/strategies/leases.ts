// Leases (upstream pkg/registry/coordination/lease): renewed by PUT, which may create the lease.
import { leaseRules } from '../../../api/validation/coordination-events.js';
import type { ResourceStrategy } from '../strategy.js';

export const leaseStrategy: ResourceStrategy = {
  rules: leaseRules,
  allowCreateOnUpdate: true,
};
