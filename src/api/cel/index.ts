// The Kubernetes CEL layer: compile expressions once, evaluate them against request data, with
// upstream's libraries and cost limits. Used by ValidatingAdmissionPolicy, webhook
// matchConditions and (later) CRD validation rules.
//
//   const program = compile(expression, ['object', 'oldObject', 'request', 'authorizer']); // CelCompileError
//   const authz = new CelAuthorizer(authorize, user);               // one per request
//   const activation = { object: toCelInput(obj), oldObject: toCelInput(old), request: toCelInput(req), authorizer: authz.value() };
//   let result = program.evaluate(activation, new CostBudget());     // CelEvalError, CelCostLimitError
//   while (await authz.settle()) result = program.evaluate(activation, budget);
//
// Declared names for admission expressions: `policyVariables` in api/validation/admission-policy.ts.
export { compile, Program, type CompileOptions } from './program.js';
export { CelCompileError, CelCostLimitError, CelEvalError } from './errors.js';
export { CostBudget, PER_CALL_COST_LIMIT, RUNTIME_COST_BUDGET } from './cost.js';
export { toCelInput, toJson, type Json } from './values.js';
export { CelAuthorizer, type AuthorizeFn, type AuthzAttributes, type AuthzDecision, type AuthzUser } from './lib/authz.js';
export type { CelInput, CelValue } from '@bufbuild/cel';
