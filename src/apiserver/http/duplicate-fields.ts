// Duplicate members in a JSON body. JSON.parse keeps the last one silently; upstream's strict
// decoder (sigs.k8s.io/json) reports each as `duplicate field "name"`, which fieldValidation
// turns into an error (Strict) or a warning (Warn), as it does unknown fields.

/** The names of members that repeat within one JSON object of `text`, in order of the repeats. */
export function duplicateFields(text: string): string[] {
  const out: string[] = [];
  // One entry per open container: the member names of an object (undefined for an array).
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
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
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal;
  }
}
