// Scanning JSON text without decoding it (nesting depth, member counts). Bodies are mostly string
// contents (ConfigMap data, annotations): a string is skipped with the native indexOf rather than
// stepped through character by character.

/** The index of the quote closing the JSON string opened at `open` (text.length if it never closes). */
export function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    // Escaped only behind an odd number of backslashes.
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return text.length;
}
