// Field checking against OpenAPI schemas, the part of cel-go's type checker that upstream's
// ValidatingAdmissionPolicy status reports: with `object`, `oldObject` (and `params`) typed by a
// kind's schema, a selection of a field the schema does not have is "undefined field 'x'".
// Lists type their elements (indexing, comprehension variables), maps their values; free-form
// objects, int-or-string and preserve-unknown-fields are dynamic and not checked.
import { parse } from '@bufbuild/cel';
import type { OpenApiSpec, SchemaObject } from '../schema.js';
import { unescapeFieldName } from './escaping.js';
import { issueText } from './program.js';

type Expr = ReturnType<typeof parse>['expr'];

/** cel-go's report of every undefined field, or '' when the expression selects only known fields. */
export function undefinedFields(expression: string, roots: Record<string, SchemaObject | undefined>, spec: OpenApiSpec): string {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch {
    return '';
  }
  const positions = parsed.sourceInfo?.positions ?? {};
  const issues: string[] = [];

  const isDynamic = (s: SchemaObject) => s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-int-or-string'];

  const field = (s: SchemaObject | undefined, name: string, id: bigint): SchemaObject | undefined => {
    const r = spec.resolve(s);
    if (!r || isDynamic(r)) return undefined;
    if (r.properties) {
      if (Object.hasOwn(r.properties, name)) return r.properties[name];
      const unescaped = unescapeFieldName(name);
      if (unescaped !== undefined && Object.hasOwn(r.properties, unescaped)) return r.properties[unescaped];
      if (r.additionalProperties === undefined || r.additionalProperties === false) {
        issues.push(issueText(expression, positions[id.toString()] ?? 0, `undefined field '${name}'`));
      }
      return undefined;
    }
    return typeof r.additionalProperties === 'object' ? r.additionalProperties : undefined;
  };

  const element = (s: SchemaObject | undefined): SchemaObject | undefined => {
    const r = spec.resolve(s);
    if (!r || isDynamic(r)) return undefined;
    if (r.type === 'array') return r.items;
    return typeof r.additionalProperties === 'object' ? r.additionalProperties : undefined;
  };

  const visit = (e: Expr | undefined, scope: Record<string, SchemaObject | undefined>): SchemaObject | undefined => {
    if (!e) return undefined;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr':
        return Object.hasOwn(scope, k.value.name) ? scope[k.value.name] : undefined;
      case 'selectExpr':
        return field(visit(k.value.operand, scope), k.value.field, e.id);
      case 'callExpr': {
        visit(k.value.target, scope);
        const args = k.value.args.map(a => visit(a, scope));
        return k.value.function === '_[_]' ? element(args[0]) : undefined;
      }
      case 'listExpr':
        k.value.elements.forEach(x => visit(x, scope));
        return undefined;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value, scope);
          visit(entry.value, scope);
        }
        return undefined;
      case 'comprehensionExpr': {
        const c = k.value;
        const range = spec.resolve(visit(c.iterRange, scope));
        visit(c.accuInit, scope);
        // Over a list the variable is an element; over a map it is a key (a string).
        const inner = { ...scope, [c.iterVar]: range?.type === 'array' ? range.items : undefined, [c.accuVar]: undefined };
        visit(c.loopCondition, inner);
        visit(c.loopStep, inner);
        visit(c.result, { ...scope, [c.accuVar]: undefined });
        return undefined;
      }
      default:
        return undefined;
    }
  };

  visit(parsed.expr, roots);
  return issues.join('\n');
}
