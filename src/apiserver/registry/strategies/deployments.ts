// Deployments (upstream pkg/registry/apps/deployment): status only through /status, generation
// counts spec changes.
import { appsDefaults } from '../../../api/defaults/apps.js';
import { appsRules } from '../../../api/validation/apps.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const deploymentStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  defaults: appsDefaults.Deployment,
  rules: appsRules.Deployment,
});
