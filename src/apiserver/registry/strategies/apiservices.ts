// APIServices (kube-aggregator's pkg/registry/apiservice): status only through /status, except that
// a local APIService is born Available — nothing needs checking for an API this server serves itself.
import { apiRegistrationDefaults } from '../../../api/defaults/apiregistration.js';
import { nowTimestamp } from '../../../api/object.js';
import { apiServiceRules } from '../../../api/validation/apiregistration.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

/** Upstream's NewLocalAvailableAPIServiceCondition. */
export function localAvailableCondition(now = nowTimestamp()) {
  return { type: 'Available', status: 'True', lastTransitionTime: now, reason: 'Local', message: 'Local APIServices are always available' };
}

export const apiServiceStrategy: ResourceStrategy = statusSplitStrategy({
  prepareForCreate(obj) {
    const spec = obj.spec as { service?: unknown } | undefined;
    obj.status = spec?.service ? {} : { conditions: [localAvailableCondition()] };
  },
  defaults: apiRegistrationDefaults.APIService,
  rules: apiServiceRules,
});
