// compile(expression, declared variables) → Program; Program.evaluate(activation) → value.
// Compiling parses, checks every identifier and function against the declarations (cel-go's
// "undeclared reference" errors), meters comprehensions for the runtime cost limit, and plans the
// evaluation once. Programs are cached by expression and declarations, so a policy's expressions
// compile once however many requests they see.
import { isCelError, parse, plan, type CelInput, type CelValue } from '@bufbuild/cel';
import { CostBudget, CostTracker, PER_CALL_COST_LIMIT, withTracker } from './cost.js';
import { COST_CONTINUE, COST_STEP, knownFunctions, kubernetesEnv, typeIdentifiers, UNORDERED_EQUALS, UNORDERED_NOT_EQUALS } from './environment.js';
import { CelCompileError, CelCostLimitError, CelEvalError } from './errors.js';
import { findOptionalSyntax } from './optional-syntax.js';

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];
type Call = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];

export interface CompileOptions {
  /** Cost an evaluation may spend (upstream's per-call limit by default). */
  costLimit?: number;
  /** Ids of `==`/`!=` calls comparing set or map lists, which ignore item order (static-check.ts finds them). */
  unorderedEqualities?: readonly bigint[];
}

export class Program {
  private readonly run: (ctx: Record<string, CelInput>) => CelValue | Error;

  constructor(
    readonly expression: string,
    expr: Expr,
    /** Nodes evaluated once whatever the data: the floor of every evaluation's cost. */
    private readonly baseCost: number,
    private readonly costLimit: number,
  ) {
    this.run = plan(kubernetesEnv, expr) as (ctx: Record<string, CelInput>) => CelValue | Error;
  }

  /**
   * Evaluates with `activation` (values from `toCelInput`, or opaque values such as an authorizer).
   * A `budget` shared between calls is charged what this evaluation spent. Throws CelEvalError,
   * or CelCostLimitError when the per-call limit or the shared budget runs out.
   */
  evaluate(activation: Record<string, CelInput>, budget?: CostBudget): CelValue {
    const limit = Math.min(this.costLimit, budget ? budget.remaining : Infinity);
    const tracker = new CostTracker(limit);
    tracker.charge(this.baseCost);
    const result = tracker.exceeded ? undefined : withTracker(tracker, () => this.run(activation));
    if (budget) budget.remaining -= tracker.spent;
    if (tracker.exceeded) throw new CelCostLimitError();
    if (result === undefined) throw new CelCostLimitError();
    if (isCelError(result)) throw new CelEvalError(errorText(result));
    return result as CelValue;
  }
}

/** cel-go reports "no such key: x" where @bufbuild/cel says "field not found: x". */
function errorText(err: Error): string {
  if (err.cause instanceof Error && err.message === err.cause.message) return err.cause.message;
  return err.message.replace(/^field not found: /, 'no such key: ');
}

/** cel-go's parser defaults. */
const MAX_CODE_POINTS = 100_000;
const MAX_RECURSION_DEPTH = 250;
const RECURSION_ERROR = `ERROR: <input>:1:1: expression recursion limit exceeded: ${MAX_RECURSION_DEPTH}`;

/** The depth of a tree, without recursion (the tree may be too deep to recurse over). */
function depth(root: Expr): number {
  let max = 0;
  const stack: [Expr | undefined, number][] = [[root, 1]];
  while (stack.length) {
    const [e, d] = stack.pop()!;
    if (!e) continue;
    if (d > max) max = d;
    if (max > MAX_RECURSION_DEPTH) return max;
    const k = e.exprKind;
    const children: (Expr | undefined)[] =
      k.case === 'selectExpr' ? [k.value.operand]
        : k.case === 'callExpr' ? [k.value.target, ...k.value.args]
          : k.case === 'listExpr' ? k.value.elements
            : k.case === 'structExpr' ? k.value.entries.flatMap(x => [x.value, x.keyKind.case === 'mapKey' ? x.keyKind.value : undefined])
              : k.case === 'comprehensionExpr' ? [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]
                : [];
    for (const c of children) stack.push([c, d + 1]);
  }
  return max;
}

const cache = new Map<string, Program>();
const CACHE_SIZE = 2000;

/** Compiles (or returns the cached program for) `expression` with `variables` declared. */
export function compile(expression: string, variables: readonly string[], opts: CompileOptions = {}): Program {
  const costLimit = opts.costLimit ?? PER_CALL_COST_LIMIT;
  const unordered = new Set(opts.unorderedEqualities ?? []);
  const key = `${costLimit}\0${[...unordered].join(',')}\0${[...variables].sort().join(',')}\0${expression}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const codePoints = [...expression].length;
  if (codePoints > MAX_CODE_POINTS) throw new CelCompileError(`ERROR: <input>:-1:0: expression code point size exceeds limit: size: ${codePoints}, limit ${MAX_CODE_POINTS}`);
  let parsed: ParsedExpr;
  try {
    parsed = parse(expression);
  } catch (err) {
    if (err instanceof RangeError) throw new CelCompileError(RECURSION_ERROR);
    const optional = findOptionalSyntax(expression);
    if (optional) throw new CelCompileError(issueText(expression, optional.offset, `unsupported syntax '${optional.token}'`));
    throw new CelCompileError(`ERROR: ${(err as Error).message.replace(/^<input>:(\d+):(\d+): /, '<input>:$1:$2: Syntax error: ')}`);
  }
  // Every later pass recurses over the tree: its depth is bounded first, as cel-go's parser does.
  if (depth(parsed.expr) > MAX_RECURSION_DEPTH) throw new CelCompileError(RECURSION_ERROR);
  const problems = new Checker(expression, parsed, variables).check();
  if (problems.length) throw new CelCompileError(problems.join('\n'));
  if (unordered.size) rewriteEqualities(parsed.expr, unordered);
  const baseCost = meter(parsed.expr);
  const program = new Program(expression, parsed.expr, baseCost, costLimit);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, program);
  return program;
}

/** cel-go's report of an issue at `offset`: position, message, the line and a caret under it. */
export function issueText(source: string, offset: number, message: string): string {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1);
  const text = source.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col + 1}: ${message}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

/** Finds undeclared identifiers and functions, reporting them as cel-go does, with a caret line. */
class Checker {
  private readonly problems: string[] = [];
  private readonly positions: Record<string, number>;

  constructor(private readonly source: string, private readonly parsed: ParsedExpr, private readonly declared: readonly string[]) {
    this.positions = parsed.sourceInfo?.positions ?? {};
  }

  check(): string[] {
    this.visit(this.parsed.expr, new Set(this.declared));
    return this.problems;
  }

  private report(id: bigint, message: string): void {
    this.problems.push(issueText(this.source, this.positions[id.toString()] ?? 0, message));
  }

  private visit(e: Expr | undefined, scope: ReadonlySet<string>): void {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr':
        if (!scope.has(k.value.name) && !typeIdentifiers.has(k.value.name)) this.report(e.id, `undeclared reference to '${k.value.name}' (in container '')`);
        return;
      case 'selectExpr':
        return this.visit(k.value.operand, scope);
      case 'callExpr':
        return this.visitCall(e.id, k.value, scope);
      case 'listExpr':
        for (const x of k.value.elements) this.visit(x, scope);
        return;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') this.visit(entry.keyKind.value, scope);
          this.visit(entry.value, scope);
        }
        return;
      case 'comprehensionExpr': {
        const c = k.value;
        this.visit(c.iterRange, scope);
        this.visit(c.accuInit, scope);
        const inner = new Set([...scope, c.iterVar, c.accuVar]);
        this.visit(c.loopCondition, inner);
        this.visit(c.loopStep, inner);
        this.visit(c.result, new Set([...scope, c.accuVar]));
        return;
      }
      default:
        return;
    }
  }

  private visitCall(id: bigint, call: Call, scope: ReadonlySet<string>): void {
    const qualified = call.target ? qualifiedName(call.target) : undefined;
    const viaNamespace = qualified !== undefined && !scope.has(qualified.split('.')[0]!) && knownFunctions.has(`${qualified}.${call.function}`);
    if (!viaNamespace) {
      if (!knownFunctions.has(call.function) || call.function.startsWith('@k8ts_')) this.report(id, `undeclared reference to '${call.function}' (in container '')`);
      this.visit(call.target, scope);
    }
    for (const a of call.args) this.visit(a, scope);
  }
}

/** `a.b.c` of an identifier or a chain of selections (a qualified function name's namespace). */
export function qualifiedName(e: Expr): string | undefined {
  if (e.exprKind.case === 'identExpr') return e.exprKind.value.name;
  if (e.exprKind.case === 'selectExpr' && e.exprKind.value.operand && !e.exprKind.value.testOnly) {
    const inner = qualifiedName(e.exprKind.value.operand);
    return inner === undefined ? undefined : `${inner}.${e.exprKind.value.field}`;
  }
  return undefined;
}

/** Turns the `==`/`!=` calls with the given ids into their order-insensitive forms. */
function rewriteEqualities(e: Expr | undefined, ids: ReadonlySet<bigint>): void {
  if (!e) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr': return rewriteEqualities(k.value.operand, ids);
    case 'callExpr':
      if (ids.has(e.id) && k.value.function === '_==_') k.value.function = UNORDERED_EQUALS;
      if (ids.has(e.id) && k.value.function === '_!=_') k.value.function = UNORDERED_NOT_EQUALS;
      rewriteEqualities(k.value.target, ids);
      k.value.args.forEach(a => rewriteEqualities(a, ids));
      return;
    case 'listExpr': k.value.elements.forEach(x => rewriteEqualities(x, ids)); return;
    case 'structExpr': k.value.entries.forEach(x => { rewriteEqualities(x.value, ids); if (x.keyKind.case === 'mapKey') rewriteEqualities(x.keyKind.value, ids); }); return;
    case 'comprehensionExpr': {
      const c = k.value;
      [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(x => rewriteEqualities(x, ids));
      return;
    }
    default: return;
  }
}

/** Node count of a subtree, not descending into nested comprehensions' bodies (they meter themselves). */
function nodes(e: Expr | undefined): number {
  if (!e) return 0;
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr': return 1 + nodes(k.value.operand);
    case 'callExpr': return 1 + nodes(k.value.target) + k.value.args.reduce((n, a) => n + nodes(a), 0);
    case 'listExpr': return 1 + k.value.elements.reduce((n, a) => n + nodes(a), 0);
    case 'structExpr': return 1 + k.value.entries.reduce((n, x) => n + nodes(x.value) + (x.keyKind.case === 'mapKey' ? nodes(x.keyKind.value) : 0), 0);
    case 'comprehensionExpr': return 1 + nodes(k.value.iterRange) + nodes(k.value.accuInit) + nodes(k.value.result);
    default: return 1;
  }
}

let syntheticId = 1n << 40n;

function callNode(fn: string, args: Expr[]): Expr {
  return {
    $typeName: 'cel.expr.Expr',
    id: syntheticId++,
    exprKind: { case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: fn, args } },
  } as Expr;
}

function intNode(n: number): Expr {
  return {
    $typeName: 'cel.expr.Expr',
    id: syntheticId++,
    exprKind: { case: 'constExpr', value: { $typeName: 'cel.expr.Constant', constantKind: { case: 'int64Value', value: BigInt(n) } } },
  } as Expr;
}

/**
 * Rewrites every comprehension so that each iteration charges its body's node count and stops
 * once the budget is spent; returns the node count evaluated once per run.
 */
function meter(root: Expr): number {
  const walk = (e: Expr | undefined): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'selectExpr': return walk(k.value.operand);
      case 'callExpr': walk(k.value.target); k.value.args.forEach(walk); return;
      case 'listExpr': k.value.elements.forEach(walk); return;
      case 'structExpr': k.value.entries.forEach(x => { walk(x.value); if (x.keyKind.case === 'mapKey') walk(x.keyKind.value); }); return;
      case 'comprehensionExpr': {
        const c = k.value;
        [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(walk);
        const perIteration = 1 + nodes(c.loopCondition) + nodes(c.loopStep);
        if (c.loopStep) c.loopStep = callNode(COST_STEP, [c.loopStep, intNode(perIteration)]);
        if (c.loopCondition) c.loopCondition = callNode(COST_CONTINUE, [c.loopCondition]);
        return;
      }
      default: return;
    }
  };
  walk(root);
  return nodes(root);
}
