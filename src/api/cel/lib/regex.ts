// Upstream's regex library (library/regex.go): `s.find(re)` is the first match or '', and
// `s.findAll(re[, limit])` every (or the first `limit`) non-overlapping match.
// Patterns must be RE2 syntax (what cel-go accepts); they are compiled by the linear-time RE2 engine
// that @bufbuild/cel's `matches` uses, which decides whether there is a match at all (so input that
// does not match never reaches a backtracking engine), and then run by the JS engine for the
// positions RE2JS does not expose. Compiled patterns are cached.
import { celMethod, CelScalar, listType, type CelFunc } from '@bufbuild/cel';
import { RE2JS } from '@bufbuild/re2';
import { chargeCost, stringCost } from '../cost.js';

const { STRING, INT } = CelScalar;
interface Compiled {
  re2: RE2JS;
  js: RegExp;
}

const cache = new Map<string, Compiled>();
const CACHE_SIZE = 500;

/** An RE2 pattern, and as a global JS RegExp (RE2's leading `(?flags)` group becomes JS flags). */
function compileRegex(pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const re2 = RE2JS.compile(pattern);
  let source = pattern;
  let flags = 'gu';
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    source = pattern.slice(lead[0].length);
    for (const f of lead[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  const compiled = { re2, js: new RegExp(source, flags) };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

function findAll(s: string, pattern: string, limit: number): string[] {
  chargeCost(stringCost(s) * Math.max(1, stringCost(pattern)));
  if (limit === 0) return [];
  const { re2, js } = compileRegex(pattern);
  if (!re2.test(s)) return [];
  const found: string[] = [];
  for (const m of s.matchAll(js)) {
    found.push(m[0]);
    if (limit > 0 && found.length >= limit) break;
  }
  return found;
}

export const regexLibrary: CelFunc[] = [
  celMethod('find', STRING, [STRING], STRING, function (re) { return findAll(this, re, 1)[0] ?? ''; }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (re) { return findAll(this, re, -1); }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (re, n) { return findAll(this, re, Number(n)); }),
];
