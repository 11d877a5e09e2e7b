// The JSONPath subset CRDs use (additionalPrinterColumns, selectableFields, scale paths), read as
// client-go's util/jsonpath reads the expression inside `{...}`: `.field`, `['field']`, `[n]`,
// `[*]`, `.*` and filters `[?(@.path == "value")]` / `!=` / `[?(@.path)]`. Evaluation yields every
// match in document order; a path that leads nowhere yields none.

type Step =
  | { type: 'field'; name: string }
  | { type: 'index'; index: number }
  | { type: 'wildcard' }
  | { type: 'filter'; path: Step[]; op?: '==' | '!='; value?: unknown };

export class JsonPathError extends Error {}

export class JsonPath {
  private constructor(readonly expression: string, private readonly steps: Step[]) {}

  /** Parses `.spec.replicas` (also `{.spec.replicas}`); throws JsonPathError on bad syntax. */
  static parse(expression: string): JsonPath {
    let text = expression.trim();
    if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
    if (text.startsWith('$')) text = text.slice(1);
    const steps = parseSteps(text, expression);
    return new JsonPath(expression, steps);
  }

  /** The field names of a path made only of `.field` steps, else undefined (scale paths need these). */
  fieldNames(): string[] | undefined {
    return this.steps.every(s => s.type === 'field') ? this.steps.map(s => (s as { name: string }).name) : undefined;
  }

  find(obj: unknown): unknown[] {
    return evaluate(this.steps, [obj]);
  }
}

function parseSteps(text: string, expression: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const fail = (why: string): never => { throw new JsonPathError(`invalid JSONPath ${JSON.stringify(expression)}: ${why}`); };
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      if (text[i] === '*') { steps.push({ type: 'wildcard' }); i++; continue; }
      const m = /^[A-Za-z0-9_\-$/]+/.exec(text.slice(i));
      if (!m) fail(`expected a field name at offset ${i}`);
      steps.push({ type: 'field', name: m![0] });
      i += m![0].length;
    } else if (c === '[') {
      const end = closingBracket(text, i);
      if (end < 0) fail('unclosed [');
      const inner = text.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ type: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ type: 'index', index: Number(inner) });
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) steps.push({ type: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1).trim(), fail));
      else fail(`unsupported subscript [${inner}]`);
    } else {
      fail(`unexpected ${JSON.stringify(c)} at offset ${i}`);
    }
  }
  return steps;
}

function closingBracket(text: string, open: number): number {
  let quote = '';
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return j;
  }
  return -1;
}

function parseFilter(expr: string, fail: (why: string) => never): Step {
  const m = /^@((?:\.[A-Za-z0-9_\-$/]+|\[[^\]]*\])*)\s*(?:(==|!=)\s*(.+))?$/.exec(expr);
  if (!m) fail(`unsupported filter ?(${expr})`);
  const path = parseSteps(m![1], expr);
  if (!m![2]) return { type: 'filter', path };
  const raw = m![3].trim();
  let value: unknown;
  if (/^'[^']*'$/.test(raw)) value = raw.slice(1, -1);
  else {
    try { value = JSON.parse(raw); } catch { fail(`bad filter value ${raw}`); }
  }
  return { type: 'filter', path, op: m![2] as '==' | '!=', value };
}

function evaluate(steps: Step[], start: unknown[]): unknown[] {
  let current = start;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      switch (step.type) {
        case 'field':
          if (isObject(v) && Object.hasOwn(v, step.name)) next.push(v[step.name]);
          break;
        case 'index':
          if (Array.isArray(v)) {
            const at = step.index < 0 ? v.length + step.index : step.index;
            if (at >= 0 && at < v.length) next.push(v[at]);
          }
          break;
        case 'wildcard':
          if (Array.isArray(v)) next.push(...v);
          else if (isObject(v)) next.push(...Object.keys(v).sort().map(k => v[k]));
          break;
        case 'filter':
          if (Array.isArray(v)) next.push(...v.filter(item => matches(step, item)));
          break;
      }
    }
    current = next;
  }
  return current;
}

function matches(filter: Extract<Step, { type: 'filter' }>, item: unknown): boolean {
  const found = evaluate(filter.path, [item]);
  if (!filter.op) return found.length > 0;
  const equal = found.length > 0 && found[0] === filter.value;
  return filter.op === '==' ? equal : found.length > 0 && !equal;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
