// The Kubernetes CEL layer: compile expressions once, evaluate them against request data, with
// upstream's libraries and cost limits. Used by ValidatingAdmissionPolicy, webhook
// matchConditions and (later) CRD validation rules.
export { compile, Program, type CompileOptions } from './program.js';
export { CelCompileError, CelCostLimitError, CelEvalError } from './errors.js';
export { CostBudget, PER_CALL_COST_LIMIT, RUNTIME_COST_BUDGET } from './cost.js';
export { toCelInput, toJson, type Json } from './values.js';
export { CelAuthorizer, type AuthorizeFn, type AuthzAttributes, type AuthzDecision, type AuthzUser } from './lib/authz.js';
export type { CelInput, CelValue } from '@bufbuild/cel';
