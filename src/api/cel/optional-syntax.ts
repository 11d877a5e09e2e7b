// CEL's optional syntax — `a.?b`, `a[?k]`, `{?k: v}`, `[?e]`, `T{?f: v}` — which the parser we run
// on (@bufbuild/cel 0.6) has no grammar for. Kubernetes 1.32 enables it (cel-go's OptionalTypes);
// we cannot, so an expression that uses it is refused with the message cel-go's parser gives when
// the syntax is off ("unsupported syntax '.?'"), placed where cel-go places it, instead of a
// generic parse error at a confusing position.

export interface OptionalSyntaxUse {
  /** Offset (in UTF-16 units) of the token cel-go reports: the `.` or `[` before `?`, or the `?` itself. */
  offset: number;
  token: '.?' | '[?' | '?';
}

/** The first use of optional syntax outside string literals and comments, if any. */
export function findOptionalSyntax(source: string): OptionalSyntaxUse | undefined {
  let previous = ''; // the last significant character before the current one
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      i = endOfString(source, i);
      previous = ch;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (ch === '?') {
      // `.?name` and `[?key]` (member access); `{?k: v}`, `[?e]`, `, ?x` (optional entries and elements).
      if (previous === '.') return { offset: lastIndexOfSignificant(source, i), token: '.?' };
      if (previous === '[') {
        const at = lastIndexOfSignificant(source, i);
        return followsOperand(source, at) ? { offset: at, token: '[?' } : { offset: i, token: '?' };
      }
      if (previous === '{' || previous === ',') return { offset: i, token: '?' };
    }
    previous = ch;
  }
  return undefined;
}

/** Index just past the string literal opening at `start` (raw `r"..."`, triple-quoted, escapes). */
function endOfString(source: string, start: number): number {
  const quote = source[start];
  const raw = start > 0 && /[rR]/.test(source[start - 1]) && !/[\w]/.test(source[start - 2] ?? '');
  const triple = source.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let i = start + close.length;
  while (i < source.length) {
    if (!raw && source[i] === '\\') {
      i += 2;
      continue;
    }
    if (source.startsWith(close, i)) return i + close.length - 1;
    if (!triple && source[i] === '\n') return i;
    i++;
  }
  return source.length;
}

/** The offset of the significant character before `at`. */
function lastIndexOfSignificant(source: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && /\s/.test(source[i])) i--;
  return i;
}

/** Whether the `[` at `at` indexes something (follows an operand) rather than opening a list. */
function followsOperand(source: string, at: number): boolean {
  const before = lastIndexOfSignificant(source, at);
  return before >= 0 && /[\w)\]}"']/.test(source[before]);
}
