// Upstream's `$(VAR)` expansion for env values, command and args: a reference to a defined name is
// replaced, a reference to an undefined name is left as written, `$$` escapes a literal `$`, and an
// unterminated `$(` is kept as text.

export type Lookup = (name: string) => string | undefined;

export function expand(input: string, lookup: Lookup): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
        continue;
      }
      const name = input.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close + 1;
    } else {
      out += '$' + next;
      i += 2;
    }
  }
  return out;
}

/** A lookup over env pairs where the last definition of a name wins, as a map built in order. */
export function envLookup(env: { name: string; value: string }[]): Lookup {
  const map = new Map(env.map(e => [e.name, e.value]));
  return name => map.get(name);
}
