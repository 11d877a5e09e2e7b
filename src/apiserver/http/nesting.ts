// How deeply a request body may nest. Upstream's JSON decoder refuses more than 10,000 levels
// ("exceeded max depth"). JavaScript's own recursion gives out long before that — JSON.stringify
// at about 4,000 levels, the yaml library at about 650 — and a stored object that cannot be
// encoded again would fail every later read of it. So bodies are refused from 500 levels on, with
// upstream's wording; no Kubernetes object comes anywhere near that.
import { errorMessage } from '../../util/error-message.js';
import { closingQuote } from './json-text.js';

export const MAX_NESTING_DEPTH = 500;

/** Go's scanner error for the first bracket that nests deeper than `max`, or undefined. */
export function jsonDepthError(text: string, max = MAX_NESTING_DEPTH): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return `invalid character '${text[i]}' exceeded max depth`;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return undefined;
}

/** The same limit for a value decoded from another format (YAML, JSON embedded in protobuf). */
export function valueDepthError(value: unknown, max = MAX_NESTING_DEPTH): string | undefined {
  // Iterative: the point is not to recurse as deep as the value goes.
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return `exceeded max depth of ${max}`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return undefined;
}

/**
 * The message for a YAML parser failure: its first line, or upstream's depth error when the
 * parser's recursion ran out of stack (flow or block nesting deeper than it can follow).
 */
export function yamlErrorMessage(err: unknown): string {
  const message = errorMessage(err);
  // The yaml library reports its own stack overflow as a parse error at the position it reached.
  if (err instanceof RangeError || message.startsWith('Maximum call stack size exceeded')) return `yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`;
  return message.split('\n')[0];
}
