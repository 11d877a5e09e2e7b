// Runtime cost of an evaluation, as upstream's cel-go cost tracking: every evaluated node costs 1,
// and library functions add what they traverse (string length × 0.1, list size). A program counts
// its nodes outside comprehensions once and each comprehension's body per iteration (see
// program.ts); library functions charge the tracker of the evaluation running now. Evaluation is
// synchronous, so "the evaluation running now" is one module-level slot.
import { CelCostLimitError } from './errors.js';

/** Upstream's per-expression limit (celconfig.PerCallLimit). */
export const PER_CALL_COST_LIMIT = 1_000_000;
/** Upstream's budget for all expressions of one policy evaluation (celconfig.RuntimeCELCostBudget). */
export const RUNTIME_COST_BUDGET = 10_000_000;

/** What a series of evaluations may still spend; shared by the expressions of one policy run. */
export class CostBudget {
  constructor(public remaining = RUNTIME_COST_BUDGET) {}
}

export class CostTracker {
  spent = 0;
  constructor(private readonly limit: number) {}

  charge(units: number): void {
    this.spent += units;
  }

  get exceeded(): boolean {
    return this.spent > this.limit;
  }
}

let active: CostTracker | undefined;

/** Runs `fn` with `tracker` receiving every charge made meanwhile. */
export function withTracker<T>(tracker: CostTracker, fn: () => T): T {
  const outer = active;
  active = tracker;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** Adds library work to the running evaluation; throws once it is over its limit. */
export function chargeCost(units: number): void {
  if (!active) return;
  active.charge(units);
  if (active.exceeded) throw new CelCostLimitError();
}

export function withinBudget(): boolean {
  return !active?.exceeded;
}

/** cel-go's common.StringTraversalCostFactor: what reading one byte of a string costs. */
export const STRING_TRAVERSAL_COST_FACTOR = 0.1;
/** Upstream's traversal cost of a string: 0.1 per character, rounded up. */
export const stringCost = (s: string): number => Math.ceil(s.length * STRING_TRAVERSAL_COST_FACTOR);
