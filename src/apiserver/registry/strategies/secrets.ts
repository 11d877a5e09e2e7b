// Secrets (upstream pkg/registry/core/secret): type-specific keys validated, the type never
// changes, an immutable Secret keeps its data; selectable by type.
import { coreDefaults } from '../../../api/defaults/core.js';
import { secretRules } from '../../../api/validation/config.js';
import type { ResourceStrategy } from '../strategy.js';

export const secretStrategy: ResourceStrategy = {
  defaults: coreDefaults.Secret,
  rules: secretRules,
  fieldSelectors: { 'type': o => o.type },
};
