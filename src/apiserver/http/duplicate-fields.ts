// Duplicate members in a JSON body. JSON.parse keeps the last one silently; upstream's strict
// decoder (sigs.k8s.io/json) reports each as `duplicate field "name"`, which fieldValidation
// turns into an error (Strict) or a warning (Warn), as it does unknown fields.
import { closingQuote } from './json-text.js';

/**
 * The names of members that repeat within one JSON object of `text`, in order of the repeats.
 * `decoded` is JSON.parse's value of `text`, if the caller has it: JSON.parse keeps one member per
 * name, so a value with as many members as the text has no repeats, which is told without
 * collecting the names of every object (the common case of every write costs no allocation).
 */
export function duplicateFields(text: string, decoded?: unknown): string[] {
  if (decoded !== undefined && memberCount(decoded) === textMemberCount(text)) return [];
  const out: string[] = [];
  // One entry per open container: the member names of an object (undefined for an array).
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i = closingQuote(text, i);
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const name = decodeString(text.slice(start, i + 1));
        if (keys.has(name)) out.push(name); else keys.add(name);
      }
      expectKey = false;
    } else if (c === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      open.push(undefined);
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === ',') {
      expectKey = open[open.length - 1] !== undefined;
    }
  }
  return out;
}

function decodeString(literal: string): string {
  if (!literal.includes('\\')) return literal.slice(1, -1);
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal;
  }
}

/** Members of all objects in a decoded JSON value. */
function memberCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += memberCount(item);
    return n;
  }
  for (const key in value) n += 1 + memberCount((value as Record<string, unknown>)[key]);
  return n;
}

/** Members of all objects in JSON text: outside strings, each one's name is followed by the only colons. */
function textMemberCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = closingQuote(text, i);
    else if (c === 0x3a) n++;
  }
  return n;
}
