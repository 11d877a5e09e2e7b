// One ValidatingAdmissionPolicy compiled once (per generation) and evaluated for one binding and
// one param, as upstream's validating.validator: matchConditions gate, then each validation
// (false → deny with message, messageExpression or "failed expression: ..."), then audit
// annotations; errors follow the policy's failurePolicy; all expressions of one run share
// upstream's runtime cost budget. Evaluation is synchronous; the caller settles the authorizer.
import { CelCostLimitError, CostBudget, compile, toJson, type CelAuthorizer, type CelInput, type CelValue, type Program } from '../../../api/cel/index.js';
import { policyVariables } from '../../../api/validation/admission-policy.js';
import type { Obj } from '../../../api/validation/types.js';

/** celconfig.MaxEvaluatedMessageExpressionSizeBytes */
const MAX_MESSAGE_BYTES = 5 * 1024;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

export type Action = 'admit' | 'deny';

export interface PolicyDecision {
  action: Action;
  evaluation: 'admit' | 'deny' | 'error';
  message: string;
  /** Status reason of a denial (Invalid unless the validation names one). */
  reason?: string;
}

export interface AuditAnnotationResult {
  key: string;
  action: 'publish' | 'exclude' | 'error';
  value?: string;
  error?: string;
}

export interface ValidateResult {
  decisions: PolicyDecision[];
  auditAnnotations: AuditAnnotationResult[];
}

/** The request as CEL sees it; `params` is set per evaluation. */
export interface PolicyInput {
  object: CelInput;
  oldObject: CelInput;
  request: CelInput;
  namespaceObject: CelInput;
  authorizer: CelAuthorizer;
  requestResource: ReturnType<CelAuthorizer['requestResource']>;
}

interface CompiledValidation {
  source: Obj;
  program: Program;
  messageProgram?: Program;
}

/** `variables.<name>` computed on first use within one evaluation, as upstream's lazy composition. */
class LazyVariables extends Map<string, CelValue> {
  private readonly done = new Map<string, CelValue>();

  constructor(private readonly defs: Map<string, Program>, private readonly activation: () => Record<string, CelInput>, private readonly budget: CostBudget) {
    super();
  }

  override has(name: string): boolean {
    return this.defs.has(name);
  }

  override get(name: string): CelValue | undefined {
    if (this.done.has(name)) return this.done.get(name);
    const program = this.defs.get(name);
    if (!program) return undefined;
    let value: CelValue;
    try {
      value = program.evaluate(this.activation(), this.budget);
    } catch (err) {
      if (err instanceof CelCostLimitError) throw err;
      throw new Error(`composited variable "${name}" fails to evaluate: ${(err as Error).message}`);
    }
    this.done.set(name, value);
    return value;
  }

  override get size(): number {
    return this.defs.size;
  }
}

export class CompiledPolicy {
  /** Why the stored policy cannot be used (its expressions no longer compile). */
  readonly configError?: string;
  private readonly failClosed: boolean;
  private readonly matchConditions: { name: string; program: Program }[] = [];
  private readonly variables = new Map<string, Program>();
  private readonly validations: CompiledValidation[] = [];
  private readonly audits: { key: string; expression: string; program: Program }[] = [];

  constructor(readonly policy: Obj) {
    const spec = policy.spec ?? {};
    this.failClosed = (spec.failurePolicy ?? 'Fail') !== 'Ignore';
    const params = !!spec.paramKind;
    const composition = (spec.variables ?? []).length > 0;
    const full = policyVariables({ params, authorizer: true, composition });
    const message = policyVariables({ params, authorizer: false, composition });
    try {
      for (const mc of spec.matchConditions ?? []) this.matchConditions.push({ name: mc.name, program: compile(mc.expression, policyVariables({ params, authorizer: true, composition: false })) });
      for (const v of spec.variables ?? []) this.variables.set(v.name, compile(v.expression, full));
      for (const v of spec.validations ?? []) {
        this.validations.push({ source: v, program: compile(v.expression, full), messageProgram: v.messageExpression ? compile(v.messageExpression, message) : undefined });
      }
      for (const a of spec.auditAnnotations ?? []) this.audits.push({ key: a.key, expression: a.valueExpression, program: compile(a.valueExpression, full) });
    } catch (err) {
      this.configError = (err as Error).message;
    }
  }

  get name(): string {
    return this.policy.metadata?.name ?? '';
  }

  private onError(message: string): PolicyDecision {
    return { action: this.failClosed ? 'deny' : 'admit', evaluation: 'error', message };
  }

  validate(input: PolicyInput, params: CelInput): ValidateResult {
    const budget = new CostBudget();
    const activation: Record<string, CelInput> = {
      object: input.object,
      oldObject: input.oldObject,
      request: input.request,
      namespaceObject: input.namespaceObject,
      params,
      authorizer: input.authorizer.value(),
      'authorizer.requestResource': input.requestResource,
    };
    activation.variables = new LazyVariables(this.variables, () => activation, budget);

    const gate = this.matchConditionsPass(activation);
    if (gate === false) return { decisions: [], auditAnnotations: [] };
    if (typeof gate === 'string') return { decisions: [this.onError(gate)], auditAnnotations: [] };

    const decisions: PolicyDecision[] = [];
    for (const v of this.validations) {
      let result: CelValue;
      try {
        result = v.program.evaluate(activation, budget);
      } catch (err) {
        if (err instanceof CelCostLimitError && budget.remaining <= 0) return { decisions: [this.onError(OUT_OF_BUDGET)], auditAnnotations: [] };
        decisions.push(this.onError(`expression '${v.source.expression}' resulted in error: ${(err as Error).message}`));
        continue;
      }
      if (result === true) {
        decisions.push({ action: 'admit', evaluation: 'admit', message: '' });
        continue;
      }
      decisions.push({ action: 'deny', evaluation: 'deny', reason: v.source.reason ?? 'Invalid', message: this.denialMessage(v, activation, budget) });
    }
    return { decisions, auditAnnotations: this.auditAnnotations(activation, budget) };
  }

  /** true to go on, false when a condition is false, or the error text. */
  private matchConditionsPass(activation: Record<string, CelInput>): boolean | string {
    const errors: string[] = [];
    for (const mc of this.matchConditions) {
      try {
        const r = mc.program.evaluate(activation);
        if (r === false) return false;
        if (r !== true) errors.push(`matchCondition '${mc.name}' must evaluate to bool`);
      } catch (err) {
        errors.push(`failed to evaluate matchCondition '${mc.name}': ${(err as Error).message}`);
      }
    }
    return errors.length ? errors.join(', ') : true;
  }

  private denialMessage(v: CompiledValidation, activation: Record<string, CelInput>, budget: CostBudget): string {
    if (v.messageProgram) {
      try {
        const { authorizer: _a, 'authorizer.requestResource': _r, ...withoutAuthorizer } = activation;
        const text = v.messageProgram.evaluate(withoutAuthorizer, budget);
        if (typeof text === 'string') {
          const trimmed = text.trim();
          if (trimmed && Buffer.byteLength(trimmed) <= MAX_MESSAGE_BYTES && !trimmed.includes('\n')) return trimmed;
        }
      } catch {
        // Upstream logs a failing messageExpression and falls back to the message.
      }
    }
    const message = String(v.source.message ?? '').trim();
    return message || `failed expression: ${String(v.source.expression).trim()}`;
  }

  private auditAnnotations(activation: Record<string, CelInput>, budget: CostBudget): AuditAnnotationResult[] {
    return this.audits.map(a => {
      let v: CelValue;
      try {
        v = a.program.evaluate(activation, budget);
      } catch (err) {
        return this.failClosed ? { key: a.key, action: 'error', error: `expression '${a.expression}' resulted in error: ${(err as Error).message}` } : { key: a.key, action: 'exclude' };
      }
      if (v === null) return { key: a.key, action: 'exclude' };
      if (typeof v !== 'string') {
        return { key: a.key, action: 'error', error: `valueExpression '${a.expression}' resulted in unsupported return type: ${typeName(v)}. Return type must be either string or null.` };
      }
      const value = v.trim();
      return value ? { key: a.key, action: 'publish', value } : { key: a.key, action: 'exclude' };
    });
  }
}

function typeName(v: CelValue): string {
  const j = toJson(v);
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(j) ? 'list' : typeof j === 'object' ? 'map' : typeof j;
}
