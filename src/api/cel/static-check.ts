// Static checks of an expression against declared variable types, as cel-go's checker and cost
// estimator do for CRD validation rules: every node gets a type (fields selected from the schema,
// operators resolved against their overloads: "found no matching overload for '_+_' applied to
// '(int, string)'") and the worst-case cost of evaluating it, with sizes of lists, maps and
// strings taken from the schema (maxItems, maxProperties, maxLength, or what fits into a request).
// The cost units are those of the runtime cost (cost.ts): 1 per node, 0.1 per string byte
// traversed, the list size for a scan.
import { parse } from '@bufbuild/cel';
import { fieldType, listOf, mapOf, simple, typeText, DYN, type CelTypeName, type DeclType } from './decl-type.js';
import { issueText, qualifiedName } from './program.js';
import { STRING_TRAVERSAL_COST_FACTOR } from './cost.js';

type Expr = ReturnType<typeof parse>['expr'];
type Call = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];

/** cel-go's uint64 estimates saturate at math.MaxUint64. */
export const MAX_COST = 2 ** 64 - 1;
const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;
const LIST_CREATE_BASE_COST = 10;
const MAP_CREATE_BASE_COST = 30;
/** Longest text of a printed scalar (an int64 with its sign; RFC 3339 timestamps are shorter). */
const MAX_PRINTED_SCALAR = 20;

export interface Range {
  min: number;
  max: number;
}

const sat = (n: number) => Math.min(n, MAX_COST);
const add = (a: Range, b: Range): Range => ({ min: sat(a.min + b.min), max: sat(a.max + b.max) });
const mul = (a: Range, b: Range): Range => ({ min: sat(a.min * b.min), max: sat(a.max * b.max) });
const factor = (a: Range, f: number): Range => ({ min: sat(Math.ceil(a.min * f)), max: sat(Math.ceil(a.max * f)) });
const union = (a: Range, b: Range): Range => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });
const ONE: Range = { min: 1, max: 1 };
const ZERO: Range = { min: 0, max: 0 };
const UNKNOWN_SIZE: Range = { min: 0, max: MAX_COST };

interface Node {
  type: DeclType;
  cost: Range;
  /** A size computed from the expression (literals, concatenations, map/filter). */
  size?: Range;
  /** The value comes from declared data: its size is bounded by the type's maxElements. */
  declared?: boolean;
}

export interface StaticCheck {
  /** cel-go's error report ('' when the expression checks). */
  errors: string;
  /** `==`/`!=` calls comparing set or map lists, which ignore the order of items. */
  unorderedEqualities: bigint[];
  type: DeclType;
  cost: Range;
}

const SCALARS = new Set<CelTypeName>(['bool', 'int', 'uint', 'double', 'timestamp', 'duration', 'null_type']);

/** The size of an element of a list node: its declared item type's bound, else unknown. */
function elementSize(list: Node): Range {
  const elem = list.type.elem;
  if (list.declared && elem?.maxElements !== undefined) return { min: 0, max: elem.maxElements };
  return elem && SCALARS.has(elem.name) ? ONE : UNKNOWN_SIZE;
}

function sizeOf(n: Node): Range {
  if (n.size) return n.size;
  if (n.declared && n.type.maxElements !== undefined) return { min: 0, max: n.type.maxElements };
  if (SCALARS.has(n.type.name)) return ONE;
  return UNKNOWN_SIZE;
}

const T = {
  int: simple('int'), uint: simple('uint'), double: simple('double'), bool: simple('bool'), string: simple('string', 2),
  bytes: simple('bytes', 2), null: simple('null_type'), timestamp: simple('timestamp'), duration: simple('duration'), type: simple('type'),
};

const isDyn = (t: DeclType) => t.name === 'dyn';
/** Whether a value of type `b` may stand where `a` is expected (dyn matches all). */
function assignable(a: DeclType, b: DeclType): boolean {
  if (isDyn(a) || isDyn(b)) return true;
  // null stands for absent objects, lists and maps, not for scalars or strings.
  if (a.name === 'null_type' || b.name === 'null_type') {
    const other = a.name === 'null_type' ? b : a;
    return other.name === 'null_type' || ['object', 'opaque', 'list', 'map'].includes(other.name);
  }
  if (a.name === 'object' || b.name === 'object' || a.name === 'opaque' || b.name === 'opaque') return a.name === b.name && (a.name !== 'opaque' || a.opaque === b.opaque);
  if (a.name !== b.name) return false;
  if (a.name === 'list') return assignable(a.elem ?? DYN, b.elem ?? DYN);
  if (a.name === 'map') return assignable(a.key ?? DYN, b.key ?? DYN) && assignable(a.elem ?? DYN, b.elem ?? DYN);
  return true;
}

/** The more specific of two assignable types. */
const join = (a: DeclType, b: DeclType): DeclType => (isDyn(a) ? b : a);

const NUMERIC = ['int', 'uint', 'double'] as const;
const ORDERED = new Set<CelTypeName>(['int', 'uint', 'double', 'string', 'bytes', 'bool', 'timestamp', 'duration']);

/** Result type of an operator on argument types, or undefined when no overload matches. */
function operatorType(fn: string, args: DeclType[]): DeclType | undefined {
  const [a, b] = args as [DeclType, DeclType];
  const anyDyn = args.some(isDyn);
  switch (fn) {
    case '_+_': case '_-_': case '_*_': case '_/_': case '_%_': {
      if (anyDyn) return isDyn(a) ? b.name === 'duration' && fn === '_+_' ? DYN : isDyn(b) ? DYN : b : a;
      const numeric = (NUMERIC as readonly string[]).includes(a.name) && a.name === b.name && (fn !== '_%_' || a.name !== 'double');
      if (numeric) return a;
      if (fn === '_+_') {
        if ((a.name === 'string' || a.name === 'bytes') && a.name === b.name) return a;
        if (a.name === 'list' && b.name === 'list' && assignable(a, b)) return listOf(join(a.elem ?? DYN, b.elem ?? DYN));
        if (a.name === 'timestamp' && b.name === 'duration') return a;
        if (a.name === 'duration' && (b.name === 'timestamp' || b.name === 'duration')) return b;
      }
      if (fn === '_-_') {
        if (a.name === 'timestamp' && b.name === 'timestamp') return T.duration;
        if ((a.name === 'timestamp' || a.name === 'duration') && b.name === 'duration') return a;
      }
      return undefined;
    }
    case '-_':
      return isDyn(a) || a.name === 'int' || a.name === 'double' ? a : undefined;
    case '!_':
      return isDyn(a) || a.name === 'bool' ? T.bool : undefined;
    case '_<_': case '_<=_': case '_>_': case '_>=_':
      if (anyDyn) return T.bool;
      if (ORDERED.has(a.name) && a.name === b.name) return T.bool;
      // CrossTypeNumericComparisons (on for Kubernetes since 1.28).
      return (NUMERIC as readonly string[]).includes(a.name) && (NUMERIC as readonly string[]).includes(b.name) ? T.bool : undefined;
    case '_==_': case '_!=_':
      return assignable(a, b) ? T.bool : undefined;
    case '_&&_': case '_||_':
      return args.every(x => isDyn(x) || x.name === 'bool') ? T.bool : undefined;
    case '_?_:_':
      if (!isDyn(a) && a.name !== 'bool') return undefined;
      return assignable(args[1]!, args[2]!) ? join(args[1]!, args[2]!) : undefined;
    case '_[_]':
      if (isDyn(a)) return DYN;
      if (a.name === 'list') return isDyn(b) || b.name === 'int' || b.name === 'uint' ? (a.elem ?? DYN) : undefined;
      if (a.name === 'map') return assignable(a.key ?? DYN, b) ? (a.elem ?? DYN) : undefined;
      return a.name === 'object' ? DYN : undefined;
    case '@in':
      if (isDyn(b)) return T.bool;
      if (b.name === 'list') return assignable(b.elem ?? DYN, a) ? T.bool : undefined;
      if (b.name === 'map') return assignable(b.key ?? DYN, a) ? T.bool : undefined;
      return undefined;
  }
  return DYN;
}

/** Result types of standard functions and methods whose argument types are checked here. */
function functionType(fn: string, target: DeclType | undefined, args: DeclType[]): DeclType | undefined {
  const recv = target ?? args[0];
  switch (fn) {
    case 'size':
      if (!recv || isDyn(recv) || ['string', 'bytes', 'list', 'map'].includes(recv.name) || (recv.name === 'object' && recv.open)) return T.int;
      return undefined;
    case 'contains': case 'startsWith': case 'endsWith': case 'matches': {
      // `matches` is also a global function: matches(string, string).
      const [recv2, arg] = target ? [target, args[0]] : fn === 'matches' && args.length === 2 ? [args[0]!, args[1]] : [undefined, undefined];
      if (!recv2 || !arg || (target ? args.length !== 1 : false)) return undefined;
      if (!isDyn(recv2) && recv2.name !== 'string') return undefined;
      return isDyn(arg) || arg.name === 'string' ? T.bool : undefined;
    }
    case 'int': return target ? DYN : T.int;
    case 'uint': return target ? DYN : T.uint;
    case 'double': return target ? DYN : T.double;
    case 'string': return target ? DYN : T.string;
    case 'bool': return target ? DYN : T.bool;
    case 'bytes': return target ? DYN : T.bytes;
    case 'timestamp': return target ? DYN : T.timestamp;
    case 'duration': return target ? DYN : T.duration;
    case 'type': return T.type;
    case 'dyn': return DYN;
    case 'getFullYear': case 'getMonth': case 'getDayOfYear': case 'getDayOfMonth': case 'getDate': case 'getDayOfWeek':
    case 'getHours': case 'getMinutes': case 'getSeconds': case 'getMilliseconds':
      return target && !isDyn(target) && target.name !== 'timestamp' && target.name !== 'duration' ? undefined : T.int;
    // Kubernetes and extension functions returning a known type, for the sizes and checks downstream.
    case 'lowerAscii': case 'upperAscii': case 'trim': case 'replace': case 'substring': case 'reverse': case 'charAt': case 'join': case 'quote': case 'format':
      return T.string;
    case 'split': return listOf(T.string);
    case 'indexOf': case 'lastIndexOf':
      return target?.name === 'list' || target?.name === 'string' || (target && isDyn(target)) ? T.int : DYN;
    case 'isSorted': case 'isURL': case 'isQuantity': case 'isIP': case 'isCIDR': case 'hasValue':
      return T.bool;
    case 'find': return T.string;
    case 'findAll': return listOf(T.string);
  }
  return DYN;
}

const OPERATORS = new Set(['_+_', '_-_', '_*_', '_/_', '_%_', '-_', '!_', '_<_', '_<=_', '_>_', '_>=_', '_==_', '_!=_', '_&&_', '_||_', '_?_:_', '_[_]', '@in']);
const COMPARISONS = new Set(['_<_', '_<=_', '_>_', '_>=_', '_==_', '_!=_']);

class Estimator {
  readonly errors: string[] = [];
  readonly unorderedEqualities: bigint[] = [];
  private readonly positions: Record<string, number>;

  constructor(
    private readonly source: string,
    parsed: ReturnType<typeof parse>,
    /** The most elements the value of `self` can have. */
    private readonly selfSize: number,
  ) {
    this.positions = parsed.sourceInfo?.positions ?? {};
  }

  private report(id: bigint, message: string): void {
    this.errors.push(issueText(this.source, this.positions[id.toString()] ?? 0, message));
  }

  visit(e: Expr | undefined, scope: Map<string, Node>): Node {
    if (!e) return { type: DYN, cost: ZERO };
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr': {
        const c = k.value.constantKind;
        switch (c.case) {
          case 'int64Value': return { type: T.int, cost: ZERO };
          case 'uint64Value': return { type: T.uint, cost: ZERO };
          case 'doubleValue': return { type: T.double, cost: ZERO };
          case 'boolValue': return { type: T.bool, cost: ZERO };
          case 'stringValue': return { type: T.string, cost: ZERO, size: { min: c.value.length, max: c.value.length } };
          case 'bytesValue': return { type: T.bytes, cost: ZERO, size: { min: c.value.length, max: c.value.length } };
          case 'nullValue': return { type: T.null, cost: ZERO };
          default: return { type: DYN, cost: ZERO };
        }
      }
      case 'identExpr': {
        const v = scope.get(k.value.name);
        // Upstream sizes any other name (a type name such as `string`) by the path of `self`, whose
        // first element its size estimator skips: the size of the rule's own value.
        return { ...(v ?? { type: DYN, size: { min: 0, max: this.selfSize } }), cost: ONE };
      }
      case 'selectExpr': {
        const operand = this.visit(k.value.operand, scope);
        const t = operand.type;
        if (k.value.testOnly) return { type: T.bool, cost: operand.cost };
        const cost = t.name === 'map' || t.name === 'object' || isDyn(t) ? add(operand.cost, ONE) : operand.cost;
        if (t.name === 'object') {
          const f = fieldType(t, k.value.field);
          if (!f && !t.open) this.report(e.id, `undefined field '${k.value.field}'`);
          return { type: f ?? DYN, cost, declared: operand.declared && !!f };
        }
        if (t.name === 'map') return { type: t.elem ?? DYN, cost, declared: operand.declared };
        if (!isDyn(t) && t.name !== 'opaque') this.report(e.id, `type '${typeText(t)}' does not support field selection`);
        return { type: DYN, cost };
      }
      case 'listExpr': {
        const elems = k.value.elements.map(x => this.visit(x, scope));
        const elem = elems.reduce<DeclType>((acc, x) => (isDyn(acc) ? x.type : acc), DYN);
        const cost = elems.reduce((acc, x) => add(acc, x.cost), { min: LIST_CREATE_BASE_COST, max: LIST_CREATE_BASE_COST });
        return { type: listOf(elem), cost, size: { min: elems.length, max: elems.length } };
      }
      case 'structExpr': {
        let cost: Range = { min: MAP_CREATE_BASE_COST, max: MAP_CREATE_BASE_COST };
        let keyT: DeclType = DYN, valT: DeclType = DYN;
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') {
            const key = this.visit(entry.keyKind.value, scope);
            cost = add(cost, key.cost);
            if (isDyn(keyT)) keyT = key.type;
          }
          const v = this.visit(entry.value, scope);
          cost = add(cost, v.cost);
          if (isDyn(valT)) valT = v.type;
        }
        const n = k.value.entries.length;
        return { type: mapOf(keyT, valT), cost, size: { min: n, max: n } };
      }
      case 'comprehensionExpr': {
        const c = k.value;
        const range = this.visit(c.iterRange, scope);
        const init = this.visit(c.accuInit, scope);
        const r = range.type;
        const iterType = r.name === 'list' ? (r.elem ?? DYN) : r.name === 'map' ? (r.key ?? DYN) : DYN;
        if (!isDyn(r) && r.name !== 'list' && r.name !== 'map') this.report(c.iterRange!.id, `expression of type '${typeText(r)}' cannot be range of a comprehension (must be list, map, or dynamic)`);
        const inner = new Map(scope);
        inner.set(c.iterVar, { type: iterType, cost: ONE, declared: range.declared });
        inner.set(c.accuVar, { type: init.type, cost: ONE, size: init.size });
        const cond = this.visit(c.loopCondition, inner);
        const step = this.visit(c.loopStep, inner);
        // The accumulator's type is what the step makes of it (map/filter build lists of the step's elements).
        const accu = isDyn(init.type) || (init.type.name === 'list' && isDyn(init.type.elem ?? DYN)) ? step.type : init.type;
        const outer = new Map(scope);
        outer.set(c.accuVar, { type: accu, cost: ONE });
        const result = this.visit(c.result, outer);
        const count = sizeOf(range);
        const cost = add(add(add(range.cost, init.cost), mul(count, add(step.cost, cond.cost))), result.cost);
        return { type: result.type, cost, size: count };
      }
      case 'callExpr':
        return this.call(e.id, k.value, scope);
      default:
        return { type: DYN, cost: ZERO };
    }
  }

  private call(id: bigint, call: Call, scope: Map<string, Node>): Node {
    // `sets.contains(a, b)`, `optional.of(x)`: a qualified function name, not a method call.
    const qualified = call.target ? qualifiedName(call.target) : undefined;
    const namespaced = qualified !== undefined && !scope.has(qualified.split('.')[0]!);
    const fn = namespaced ? `${qualified}.${call.function}` : call.function;
    const target = call.target && !namespaced ? this.visit(call.target, scope) : undefined;
    const args = call.args.map(a => this.visit(a, scope));
    const argCost = [target, ...args].reduce<Range>((acc, x) => (x ? add(acc, x.cost) : acc), ZERO);
    let type: DeclType | undefined;
    if (OPERATORS.has(fn)) type = operatorType(fn, args.map(a => a.type));
    else type = functionType(fn, target?.type, args.map(a => a.type));
    if (!type) {
      const shown = `(${args.map(a => typeText(a.type)).join(', ')})`;
      this.report(id, `found no matching overload for '${fn}' applied to '${target ? `${typeText(target.type)}.` : ''}${shown}'`);
      type = DYN;
    }
    const a0 = args[0], a1 = args[1];
    switch (fn) {
      case '_&&_': case '_||_':
        return { type, cost: { min: args[0]!.cost.min, max: add(args[0]!.cost, args[1]!.cost).max } };
      case '_?_:_':
        return { type, cost: add(args[0]!.cost, union(args[1]!.cost, args[2]!.cost)), size: union(sizeOf(args[1]!), sizeOf(args[2]!)) };
      case '_+_':
        if (type.name === 'string' || type.name === 'bytes' || type.name === 'list') {
          const size = add(sizeOf(a0!), sizeOf(a1!));
          const own = type.name === 'list' ? ONE : factor(size, STRING_TRAVERSAL_COST_FACTOR);
          return { type, cost: add(own, argCost), size };
        }
        break;
      case '@in':
        if (a1!.type.name === 'list') return { type, cost: add(sizeOf(a1!), argCost) };
        break;
      case 'startsWith': case 'endsWith':
        if (target && args.length === 1) return { type, cost: add(factor(sizeOf(a0!), STRING_TRAVERSAL_COST_FACTOR), argCost) };
        break;
      case 'contains':
        if (target && args.length === 1) return { type, cost: add(mul(factor(sizeOf(target), STRING_TRAVERSAL_COST_FACTOR), factor(sizeOf(a0!), STRING_TRAVERSAL_COST_FACTOR)), argCost) };
        break;
      case 'matches':
        if (target && args.length === 1) {
          const cost = mul(factor(sizeOf(target), STRING_TRAVERSAL_COST_FACTOR), factor(sizeOf(a0!), REGEX_STRING_LENGTH_COST_FACTOR));
          return { type, cost: add(cost, argCost) };
        }
        break;
      // The Kubernetes libraries, as upstream's library.CostEstimator estimates them.
      case 'find': case 'findAll':
        if (target && args.length >= 1) {
          const sz = sizeOf(target);
          const cost = mul(factor(add(sz, ONE), STRING_TRAVERSAL_COST_FACTOR), factor(sizeOf(a0!), REGEX_STRING_LENGTH_COST_FACTOR));
          return { type, cost: add(cost, argCost), size: { min: 0, max: sz.max } };
        }
        break;
      case 'lowerAscii': case 'upperAscii': case 'trim': case 'substring':
        if (target) return { type, cost: add(factor(sizeOf(target), STRING_TRAVERSAL_COST_FACTOR), argCost), size: sizeOf(target) };
        break;
      case 'reverse': case 'quote':
        if (target ?? a0) return { type, cost: add(factor(sizeOf(target ?? a0!), STRING_TRAVERSAL_COST_FACTOR), argCost), size: sizeOf(target ?? a0!) };
        break;
      case 'replace':
        if (target && a0 && a1) {
          const sz = sizeOf(target), from = sizeOf(a0), to = sizeOf(a1);
          const max = from.min === 0 ? sat((sz.max + 1) * to.max + sz.max) : to.max <= from.min ? sz.max : sat(Math.ceil(sz.max / from.min) * to.max);
          return { type, cost: add(factor(sz, 2 * STRING_TRAVERSAL_COST_FACTOR), argCost), size: { min: 0, max } };
        }
        break;
      case 'split':
        if (target) {
          const sz = sizeOf(target);
          const limit = call.args[1]?.exprKind.case === 'constExpr' ? call.args[1].exprKind.value.constantKind : undefined;
          const max = limit?.case === 'int64Value' || limit?.case === 'uint64Value' ? Math.max(0, Number(limit.value)) : sz.max;
          return { type, cost: add(factor(sz, 2 * STRING_TRAVERSAL_COST_FACTOR), argCost), size: { min: 0, max } };
        }
        break;
      case 'join':
        if (target && target.type.name === 'list') {
          const n = sizeOf(target);
          let size = mul(n, elementSize(target));
          if (a0) size = add(size, mul(sizeOf(a0), { min: Math.max(0, n.min - 1), max: Math.max(0, n.max - 1) }));
          return { type, cost: add(factor(size, STRING_TRAVERSAL_COST_FACTOR), argCost), size };
        }
        break;
      case 'isSorted': case 'sum': case 'min': case 'max': case 'indexOf': case 'lastIndexOf':
        if (target?.type.name === 'list') {
          const elem = target.type.elem;
          const each = elem?.name === 'string' || elem?.name === 'bytes' ? add(ONE, factor(elementSize(target), STRING_TRAVERSAL_COST_FACTOR)) : ONE;
          return { type, cost: add(mul(sizeOf(target), each), argCost) };
        }
        if (target && (fn === 'indexOf' || fn === 'lastIndexOf')) return { type, cost: add(factor(sizeOf(target), STRING_TRAVERSAL_COST_FACTOR), argCost) };
        break;
      case 'url':
        if (a0 && args.length === 1) return { type, cost: add(factor(sizeOf(a0), STRING_TRAVERSAL_COST_FACTOR), argCost) };
        break;
      case 'cidr': case 'isIP': case 'isCIDR': case 'quantity': case 'isQuantity':
        if (a0) return { type, cost: add(factor(sizeOf(a0), STRING_TRAVERSAL_COST_FACTOR), argCost) };
        break;
      case 'ip':
        // cidr.ip() reads a field; ip(string) parses.
        return { type, cost: add(a0 && !target ? factor(sizeOf(a0), STRING_TRAVERSAL_COST_FACTOR) : ONE, argCost) };
      case 'ip.isCanonical':
        if (a0) return { type, cost: add(factor(sizeOf(a0), 2 * STRING_TRAVERSAL_COST_FACTOR), argCost) };
        break;
      case 'containsIP': case 'containsCIDR':
        if (target && a0) {
          // Comparing two 4- or 16-byte addresses; a string argument is parsed first.
          const bytes = { min: 4, max: 16 };
          let cost = factor(add(bytes, bytes), STRING_TRAVERSAL_COST_FACTOR);
          if (fn === 'containsCIDR') cost = add(add(cost, factor(bytes, STRING_TRAVERSAL_COST_FACTOR)), ONE);
          if (a0.type.name === 'string') cost = add(cost, factor(sizeOf(a0), STRING_TRAVERSAL_COST_FACTOR));
          return { type, cost: add(cost, argCost) };
        }
        break;
      case 'check':
        // An authorization check is fixed at a cost that allows two per expression.
        return { type, cost: add({ min: 350_000, max: 350_000 }, argCost) };
      case 'string': case 'bytes':
        if (a0 && (a0.type.name === 'string' || a0.type.name === 'bytes')) return { type, cost: add(factor(sizeOf(a0), STRING_TRAVERSAL_COST_FACTOR), argCost), size: sizeOf(a0) };
        // A number, bool, timestamp or duration printed: at most the digits of an int64 and a sign.
        if (a0 && fn === 'string' && SCALARS.has(a0.type.name)) return { type, cost: add(ONE, argCost), size: { min: 1, max: MAX_PRINTED_SCALAR } };
        break;
      case 'sets.contains': case 'sets.intersects': case 'sets.equivalent':
        if (a0 && a1) return { type: simple('bool'), cost: add(mul(sizeOf(a0), sizeOf(a1)), argCost) };
        break;
    }
    if ((fn === '_==_' || fn === '_!=_') && (a0?.type.unordered || a1?.type.unordered)) this.unorderedEqualities.push(id);
    if (COMPARISONS.has(fn) && a0 && a1) {
      // Comparing traverses the shorter operand (strings, bytes, lists, maps).
      const smallest = Math.min(sizeOf(a0).max, sizeOf(a1).max);
      return { type, cost: add(factor({ min: smallest > 0 ? 1 : 0, max: smallest }, STRING_TRAVERSAL_COST_FACTOR), argCost) };
    }
    if (fn === '_[_]' && a0) return { type, cost: add(ONE, argCost), declared: a0.declared };
    return { type, cost: add(ONE, argCost) };
  }
}

/** Type-checks `expression` with `variables` of the given types and estimates its cost. */
export function staticCheck(expression: string, variables: Record<string, DeclType>): StaticCheck {
  const parsed = parse(expression);
  const est = new Estimator(expression, parsed, variables.self?.maxElements ?? 0);
  const scope = new Map(Object.entries(variables).map(([k, t]) => [k, { type: t, cost: ONE, declared: true } as Node]));
  const root = est.visit(parsed.expr, scope);
  return { errors: est.errors.join('\n'), unorderedEqualities: est.unorderedEqualities, type: root.type, cost: root.cost };
}
