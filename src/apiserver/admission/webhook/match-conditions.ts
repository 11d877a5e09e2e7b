// Webhook matchConditions (upstream's matchconditions.matcher): CEL expressions over object,
// oldObject, request and authorizer, evaluated before a webhook is called. Any false: the webhook
// is skipped. All true: it is called. Otherwise (errors and trues) the failurePolicy decides: Fail
// refuses the request with a Forbidden, Ignore skips the webhook.
import { CelAuthorizer, CostBudget, compile, toCelInput, type AuthorizeFn, type CelInput, type CelValue, type Program } from '../../../api/cel/index.js';
import { ForbiddenError } from '../../../api/errors.js';
import { WEBHOOK_MATCH_CONDITION_VARIABLES } from '../../../api/validation/webhook-configurations.js';
import type { Obj } from '../../../api/validation/types.js';
import type { AdmissionAttributes } from '../types.js';
import { createAdmissionReview, type VersionedObjects } from './admission-review.js';
import type { MatchConditions } from './dispatch.js';
import type { Invocation } from './matching.js';

/** celconfig.RuntimeCELCostBudgetMatchConditions: what all conditions of one webhook may spend. */
const MATCH_CONDITIONS_COST_BUDGET = 7_000_000;
/** Each round settles the authorizer answers the previous one lacked. */
const MAX_AUTHZ_ROUNDS = 16;

interface Outcome {
  /** A condition that evaluated to false. */
  falseCondition?: string;
  errors: string[];
}

/** The `request` variable: the AdmissionRequest the webhook would get, without uid and objects. */
function requestVariable(a: AdmissionAttributes, invocation: Invocation): Obj {
  const review = createAdmissionReview('v1', '', a, invocation, {});
  const { uid: _uid, object: _object, oldObject: _old, ...request } = review.request as Obj;
  return request;
}

function evaluate(conditions: { name: string; expression: string; program: Program }[], activation: Record<string, CelInput>): Outcome {
  const budget = new CostBudget(MATCH_CONDITIONS_COST_BUDGET);
  const errors: string[] = [];
  // Every condition is evaluated; a false one wins over errors in any other.
  const results: { name: string; value?: CelValue; error?: string }[] = conditions.map(c => {
    try {
      return { name: c.name, value: c.program.evaluate(activation, budget) };
    } catch (err) {
      return { name: c.name, error: `expression '${c.expression}' resulted in error: ${(err as Error).message}` };
    }
  });
  for (const r of results) {
    if (r.error) errors.push(r.error);
    else if (r.value === false) return { falseCondition: r.name, errors };
    else if (r.value !== true) errors.push(`expression '${conditions.find(c => c.name === r.name)!.expression}' resulted in error: must evaluate to bool`);
  }
  return { errors };
}

export function celMatchConditions(authorize: AuthorizeFn): MatchConditions {
  return async (invocation: Invocation, a: AdmissionAttributes, versioned: VersionedObjects): Promise<boolean> => {
    const hook = invocation.webhook.hook;
    const failClosed = hook.failurePolicy !== 'Ignore';
    const forbidden = (why: string) => {
      const resource = a.resource.group ? `${a.resource.resource}.${a.resource.group}` : a.resource.resource;
      return new ForbiddenError(`${resource}${a.name ? ` "${a.name}"` : ''} is forbidden: ${why}`, { group: a.resource.group, resource: a.resource.resource, name: a.name });
    };
    let conditions: { name: string; expression: string; program: Program }[];
    try {
      conditions = ((hook.matchConditions ?? []) as Obj[]).map(c => ({ name: c.name, expression: c.expression, program: compile(c.expression, WEBHOOK_MATCH_CONDITION_VARIABLES) }));
    } catch (err) {
      if (failClosed) throw forbidden((err as Error).message);
      return false;
    }
    const authz = new CelAuthorizer(authorize, a.ctx.user);
    const activation: Record<string, CelInput> = {
      object: toCelInput(versioned.object ?? null),
      oldObject: toCelInput(versioned.oldObject ?? null),
      request: toCelInput(requestVariable(a, invocation)),
      authorizer: authz.value(),
      'authorizer.requestResource': authz.requestResource({ group: a.resource.group, resource: a.resource.resource, subresource: a.subresource, namespace: a.namespace, name: a.name }),
    };
    let outcome = evaluate(conditions, activation);
    for (let round = 0; round < MAX_AUTHZ_ROUNDS && (await authz.settle()); round++) outcome = evaluate(conditions, activation);
    if (outcome.falseCondition !== undefined) return false;
    if (!outcome.errors.length) return true;
    if (!failClosed) return false;
    throw forbidden(outcome.errors.length === 1 ? outcome.errors[0] : `[${outcome.errors.join(', ')}]`);
  };
}
