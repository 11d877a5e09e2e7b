// Upstream's escaping of property names in CEL (apiserver/pkg/cel/escaping.go): a property named
// like a CEL keyword is `__keyword__`, and `__`, `.`, `-`, `/` inside names are `__underscores__`,
// `__dot__`, `__dash__`, `__slash__`. Rules select such fields by the escaped name.
const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** The property name an escaped CEL field name stands for, or undefined when it is not escaped. */
export function unescapeFieldName(name: string): string | undefined {
  if (!name.includes('__')) return undefined;
  const keyword = /^__([a-z]+)__$/.exec(name);
  if (keyword && RESERVED.has(keyword[1]!)) return keyword[1];
  const out = name.replace(/__(underscores|dot|dash|slash)__/g, (_, w: string) => ({ underscores: '__', dot: '.', dash: '-', slash: '/' })[w]!);
  return out === name ? undefined : out;
}
