// matchConditions, shared by admission policies and admission webhooks, as upstream's
// webhook/matchconditions.Matcher: any condition false → no match (whatever errors others had);
// else any error → the errors ("expression '...' resulted in error: ..."; several as a list),
// which the caller settles by its failurePolicy; else a match.
import { compile, type CelInput, type Program } from '../../../api/cel/index.js';

export interface MatchCondition {
  name: string;
  expression: string;
  program: Program;
}

/** Compiles `{name, expression}` conditions with the declared `variables` (throws CelCompileError). */
export function compileMatchConditions(conditions: readonly { name: string; expression: string }[] | undefined, variables: readonly string[]): MatchCondition[] {
  return (conditions ?? []).map(c => ({ name: c.name, expression: c.expression, program: compile(c.expression, variables) }));
}

export type MatchConditionResult = { matches: true } | { matches: false; failedCondition: string } | { matches: false; error: string };

export function evaluateMatchConditions(conditions: readonly MatchCondition[], activation: Record<string, CelInput>): MatchConditionResult {
  const errors: string[] = [];
  for (const c of conditions) {
    let result;
    try {
      result = c.program.evaluate(activation);
    } catch (err) {
      errors.push(`expression '${c.expression}' resulted in error: ${(err as Error).message}`);
      continue;
    }
    if (result === false) return { matches: false, failedCondition: c.name };
    if (result !== true) errors.push(`expression '${c.expression}' resulted in error: no such overload`);
  }
  if (errors.length) return { matches: false, error: errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]` };
  return { matches: true };
}
