// ControllerRevisions (upstream pkg/registry/apps/controllerrevision): the revision is not
// negative and the data never changes.
import { appsRules } from '../../../api/validation/apps.js';
import type { ResourceStrategy } from '../strategy.js';

export const controllerRevisionStrategy: ResourceStrategy = {
  rules: appsRules.ControllerRevision,
};
