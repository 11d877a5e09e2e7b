// x-kubernetes-validations: CEL rules compiled once per schema and evaluated against custom
// resources as upstream's schema/cel Validator does. `self` is the value the rule sits on, `oldSelf`
// its previous value (transition rules run on update only where the old value correlates: object
// properties, map values, list-type=map items), `messageExpression` words the failure, `reason`
// picks the error type and `fieldPath` where it points. All rules of one object share upstream's
// runtime cost budget.
import { parse } from '@bufbuild/cel';
import { CelCompileError, CelCostLimitError, CelEvalError, compile, CostBudget, toCelInput, type CelInput, type Program } from '../cel/index.js';
import { optionalNone, optionalOf } from '../cel/lib/optional.js';
import { undefinedFields } from '../cel/type-check.js';
import { FieldError, fieldErrors } from '../errors.js';
import { OpenApiSpec, type SchemaObject } from '../schema.js';
import { jsonEqual } from './value-validation.js';
import { child, index, key } from './paths.js';
import type { JSONSchemaProps, ValidationRule } from './types.js';

type Json = Record<string, unknown>;
type Expr = ReturnType<typeof parse>['expr'];
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Upstream's per-expression limit for messageExpression results (celconfig). */
const MAX_MESSAGE_BYTES = 5 * 1024;
/** Variables every CRD rule may use. */
const VARIABLES = ['self', 'oldSelf'];
/** CRD schemas have no $refs; the type checker needs a spec to resolve them with. */
const NO_REFS = new OpenApiSpec({ swagger: '2.0', info: { title: '', version: '' }, paths: {}, definitions: {} } as never);

/** The schema CEL sees at a resource root: apiVersion, kind and metadata with name/generateName only. */
export function withTypeAndObjectMeta(s: JSONSchemaProps): JSONSchemaProps {
  const str = { type: 'string' };
  return {
    ...s,
    properties: {
      ...s.properties,
      apiVersion: str,
      kind: str,
      metadata: { type: 'object', properties: { name: str, generateName: str } },
    },
  };
}

function references(e: Expr | undefined, name: string): boolean {
  if (!e) return false;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr': return k.value.name === name;
    case 'selectExpr': return references(k.value.operand, name);
    case 'callExpr': return references(k.value.target, name) || k.value.args.some(a => references(a, name));
    case 'listExpr': return k.value.elements.some(x => references(x, name));
    case 'structExpr': return k.value.entries.some(x => references(x.value, name) || (x.keyKind.case === 'mapKey' && references(x.keyKind.value, name)));
    case 'comprehensionExpr': {
      const c = k.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].some(x => references(x, name));
    }
    default: return false;
  }
}

/** What compiling one rule gave: programs, or upstream's error details. */
export interface RuleCompilation {
  rule: ValidationRule;
  program?: Program;
  error?: string;
  usesOldSelf: boolean;
  message?: Program;
  messageError?: string;
  /** The rule's fieldPath as a path below the rule's value ('' when unset). */
  fieldPath: string;
}

function compileChecked(expression: string, celSchema: JSONSchemaProps): Program {
  const program = compile(expression, VARIABLES);
  const issues = undefinedFields(expression, { self: celSchema as SchemaObject, oldSelf: celSchema as SchemaObject }, NO_REFS);
  if (issues) throw new CelCompileError(issues);
  return program;
}

/** A literal whose type is not bool: what cel-go's checker rejects as a rule's result type. */
function obviouslyNotBool(e: Expr): boolean {
  const k = e.exprKind;
  if (k.case === 'constExpr') return k.value.constantKind.case !== 'boolValue';
  return k.case === 'listExpr' || k.case === 'structExpr';
}

/** Compiles one rule against the schema CEL sees for its value. */
export function compileRule(rule: ValidationRule, celSchema: JSONSchemaProps, nodeSchema: JSONSchemaProps): RuleCompilation {
  const out: RuleCompilation = { rule, usesOldSelf: false, fieldPath: '' };
  try {
    out.usesOldSelf = references(parse(rule.rule).expr, 'oldSelf');
  } catch {
    // a syntax error: compile reports it
  }
  try {
    out.program = compileChecked(rule.rule, celSchema);
    if (obviouslyNotBool(parse(rule.rule).expr)) {
      out.program = undefined;
      out.error = 'cel expression must evaluate to a bool';
    }
  } catch (err) {
    if (!(err instanceof CelCompileError)) throw err;
    out.error = `compilation failed: ${err.message}`;
  }
  if (rule.messageExpression?.trim()) {
    try {
      out.message = compileChecked(rule.messageExpression, celSchema);
      const e = parse(rule.messageExpression).expr;
      if (e.exprKind.case === 'constExpr' && e.exprKind.value.constantKind.case !== 'stringValue') {
        out.message = undefined;
        out.messageError = 'messageExpression must evaluate to a string';
      }
    } catch (err) {
      if (!(err instanceof CelCompileError)) throw err;
      out.messageError = `messageExpression compilation failed: ${err.message}`;
    }
  }
  if (rule.fieldPath) out.fieldPath = normalizeFieldPath(rule.fieldPath, nodeSchema) ?? '';
  return out;
}

/**
 * A rule's fieldPath (`.a.b`, `.a['x.y']`, `.list[0]`) as a field path below the rule's value, or
 * undefined when it does not name a field of `schema` (upstream's ValidFieldPath).
 */
export function normalizeFieldPath(fieldPath: string, schema: JSONSchemaProps, allowArrayNotation = true): string | undefined {
  let s: JSONSchemaProps | undefined = schema;
  let path = '';
  let rest = fieldPath.trim();
  if (!rest) return undefined;
  while (rest) {
    let name: string;
    const dot = /^\.([a-zA-Z_][a-zA-Z0-9_]*|[a-zA-Z0-9_-]+)/.exec(rest);
    const bracket = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest);
    const num = /^\[(\d+)\]/.exec(rest);
    if (dot) {
      name = dot[1]!;
      rest = rest.slice(dot[0].length);
    } else if (bracket) {
      name = bracket[1]!.replace(/\\(.)/g, '$1');
      rest = rest.slice(bracket[0].length);
    } else if (num && allowArrayNotation && s?.type === 'array') {
      path = index(path, Number(num[1]));
      s = !Array.isArray(s.items) ? s.items : undefined;
      rest = rest.slice(num[0].length);
      continue;
    } else {
      return undefined;
    }
    if (!s) return undefined;
    if (s.properties && Object.hasOwn(s.properties, name)) {
      path = child(path, name);
      s = s.properties[name];
    } else if (typeof s.additionalProperties === 'object') {
      path = key(path, name);
      s = s.additionalProperties;
    } else {
      return undefined;
    }
  }
  return path;
}

/** The compiled rules of a schema, shaped like the parts of the schema that have rules. */
export interface RuleTree {
  rules: RuleCompilation[];
  type: string;
  properties?: Map<string, RuleTree>;
  additionalProperties?: RuleTree;
  items?: RuleTree;
  allOf?: RuleTree[];
  /** x-kubernetes-list-type=map keys: how list items correlate with the old list. */
  mapKeys?: string[];
}

/** Compiles every rule under `schema`; undefined when there are none. */
export function compileRuleTree(schema: JSONSchemaProps | undefined, isResourceRoot: boolean): RuleTree | undefined {
  if (!schema) return undefined;
  const root = isResourceRoot || !!schema['x-kubernetes-embedded-resource'];
  const celSchema = root ? withTypeAndObjectMeta(schema) : schema;
  const tree: RuleTree = {
    rules: (schema['x-kubernetes-validations'] ?? []).map(r => compileRule(r, celSchema, schema)),
    type: schema.type ?? '',
  };
  let any = tree.rules.length > 0;
  for (const [k, p] of Object.entries(schema.properties ?? {})) {
    const sub = compileRuleTree(p, false);
    if (sub) (tree.properties ??= new Map()).set(k, sub);
    any ||= !!sub;
  }
  if (typeof schema.additionalProperties === 'object') any = !!(tree.additionalProperties = compileRuleTree(schema.additionalProperties, false)) || any;
  if (schema.items && !Array.isArray(schema.items)) any = !!(tree.items = compileRuleTree(schema.items, false)) || any;
  if (schema['x-kubernetes-list-type'] === 'map') tree.mapKeys = schema['x-kubernetes-list-map-keys'];
  for (const a of schema.allOf ?? []) {
    const sub = compileRuleTree(a, false);
    if (sub) (tree.allOf ??= []).push(sub);
    any ||= !!sub;
  }
  return any ? tree : undefined;
}

/** Stops every further rule: what upstream signals with a negative remaining budget. */
class Halt extends Error {}

/** Runs the rules of `tree` over `obj` (and `old` on update). */
export function runRules(tree: RuleTree, obj: unknown, old: unknown, path = ''): FieldError[] {
  const errs: FieldError[] = [];
  try {
    walk(tree, obj, old, old !== undefined, path, errs, new CostBudget());
  } catch (err) {
    if (!(err instanceof Halt)) throw err;
  }
  return errs;
}

const at = (path: string) => path || '<nil>';

function failure(path: string, type: string, detail: string, reason: string | undefined): FieldError {
  switch (reason) {
    case 'FieldValueForbidden': return fieldErrors.forbidden(at(path), detail);
    case 'FieldValueRequired': return fieldErrors.required(at(path), detail);
    case 'FieldValueDuplicate': return fieldErrors.duplicate(at(path), type);
    default: return fieldErrors.invalid(at(path), type, detail);
  }
}

const ruleText = (r: ValidationRule) => (r.message ? r.message.trim() : r.rule.trim());
const defaultMessage = (r: ValidationRule) => (r.message ? r.message.trim() : `failed rule: ${ruleText(r)}`);

function walk(t: RuleTree, obj: unknown, old: unknown, hasOld: boolean, path: string, errs: FieldError[], budget: CostBudget): void {
  if (obj === null || obj === undefined) return;
  if (old === null) hasOld = false;
  if (t.rules.length) evaluate(t, obj, old, hasOld, path, errs, budget);
  for (const a of t.allOf ?? []) walk(a, obj, old, hasOld, path, errs, budget);
  if (Array.isArray(obj)) {
    if (!t.items) return;
    const oldList = hasOld && Array.isArray(old) ? old : undefined;
    const oldByKey = t.mapKeys && oldList ? new Map(oldList.map(x => [mapKey(x, t.mapKeys!), x])) : undefined;
    obj.forEach((x, i) => {
      const o = oldByKey?.get(mapKey(x, t.mapKeys!));
      walk(t.items!, x, o, o !== undefined, index(path, i), errs, budget);
    });
  } else if (isMap(obj)) {
    const oldMap = hasOld && isMap(old) ? old : undefined;
    for (const [k, v] of Object.entries(obj)) {
      const sub = t.properties?.get(k);
      const o = oldMap && Object.hasOwn(oldMap, k) ? oldMap[k] : undefined;
      if (sub) walk(sub, v, o, o !== undefined, child(path, k), errs, budget);
      else if (t.additionalProperties && !t.properties?.has(k)) walk(t.additionalProperties, v, o, o !== undefined, key(path, k), errs, budget);
    }
  }
}

function mapKey(x: unknown, keys: string[]): string {
  return JSON.stringify(keys.map(k => (isMap(x) ? x[k] : undefined)));
}

function evaluate(t: RuleTree, obj: unknown, old: unknown, hasOld: boolean, path: string, errs: FieldError[], budget: CostBudget): void {
  const self = toCelInput(obj);
  const oldSelf = hasOld ? toCelInput(old) : null;
  // Ratcheting (CRDValidationRatcheting, on by default): an unchanged value keeps passing rules that do not look at oldSelf.
  const unchanged = hasOld && jsonEqual(obj, old);
  for (const c of t.rules) {
    if (c.error) {
      errs.push(fieldErrors.invalid(at(path), t.type, `rule compile error: ${c.error}`));
      continue;
    }
    if (!c.program) continue;
    const optional = !!c.rule.optionalOldSelf;
    if (c.usesOldSelf && !hasOld && !optional) continue;
    const activation = { self, oldSelf: optional ? (hasOld ? optionalOf(oldSelf) : optionalNone()) : oldSelf };
    let result: unknown;
    try {
      result = c.program.evaluate(activation, budget);
    } catch (err) {
      if (err instanceof CelCostLimitError) {
        errs.push(fieldErrors.invalid(at(path), t.type, budget.remaining <= 0
          ? 'validation failed due to running out of cost budget, no further validation rules will be run'
          : `'${err.message}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleText(c.rule)}`));
        throw new Halt();
      }
      if (!(err instanceof CelEvalError)) throw err;
      errs.push(fieldErrors.invalid(at(path), t.type, err.message.startsWith('no such overload')
        ? `'${err.message}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(c.rule)}`
        : `${err.message} evaluating rule: ${ruleText(c.rule)}`));
      continue;
    }
    if (result === true) continue;
    if (unchanged && !c.usesOldSelf) continue;
    const target = !c.fieldPath ? path : !path || c.fieldPath.startsWith('[') ? path + c.fieldPath : `${path}.${c.fieldPath}`;
    const message = c.message ? evalMessage(c, activation, budget, target, t.type, errs) : defaultMessage(c.rule);
    errs.push(failure(target, t.type, message, c.rule.reason));
  }
}

function evalMessage(c: RuleCompilation, activation: Record<string, CelInput>, budget: CostBudget, path: string, type: string, errs: FieldError[]): string {
  let v: unknown;
  try {
    v = c.message!.evaluate(activation, budget);
  } catch (err) {
    if (err instanceof CelCostLimitError) {
      // Upstream reports this instead of the rule's failure and runs no further rule.
      errs.push(fieldErrors.invalid(at(path), type, budget.remaining <= 0
        ? 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'
        : `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${JSON.stringify(c.rule.messageExpression)}`));
      throw new Halt();
    }
    return defaultMessage(c.rule);
  }
  if (typeof v !== 'string') return defaultMessage(c.rule);
  const msg = v.trim();
  if (!msg || msg.length > MAX_MESSAGE_BYTES || /\n/.test(msg)) return defaultMessage(c.rule);
  return msg;
}
