// The words of a log search as the FTS5 index sees them. The index (unicode61 tokenizer) keeps
// tokens — runs of letters, digits and private-use characters, lower-cased, without diacritics —
// but not their positions (detail=none: a smaller index, cheaper to write), so it can only say
// which lines hold all the tokens. A word of several tokens (`rot-line`, `10.0.0.1`) must hold
// them next to each other, in order: those lines are kept by hasPhrases(), run on the candidates.

export interface TextFilter {
  /** FTS5 MATCH expression: every token, quoted (so OR, NOT, NEAR are words). Undefined: no words. */
  match?: string;
  /** Words of more than one token, as their tokens. */
  phrases: string[][];
  /** Words were given but none holds a token: nothing can match (as an empty FTS5 phrase). */
  matchesNothing: boolean;
}

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const MARK = /\p{M}/gu;

/** The tokens of a text as unicode61 (remove_diacritics, categories "L* N* Co") makes them. */
export function tokens(text: string): string[] {
  return text.normalize('NFD').replace(MARK, '').toLowerCase().match(TOKEN) ?? [];
}

export function textFilter(text: string): TextFilter {
  const words = text.split(/\s+/).filter(Boolean);
  // A word without tokens cannot be looked up; beside others it is ignored, as FTS5 ignores an
  // empty phrase.
  const tokenized = words.map(tokens).filter(t => t.length);
  if (!tokenized.length) return { phrases: [], matchesNothing: words.length > 0 };
  const all = [...new Set(tokenized.flat())];
  return { match: all.map(t => `"${t}"`).join(' '), phrases: tokenized.filter(t => t.length > 1), matchesNothing: false };
}

/** Whether the line holds each phrase's tokens consecutively. */
export function hasPhrases(line: string, phrases: string[][]): boolean {
  const text = ` ${tokens(line).join(' ')} `;
  return phrases.every(p => text.includes(` ${p.join(' ')} `));
}
