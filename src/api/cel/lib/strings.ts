// Strings: cel-go's strings extension as @bufbuild/cel ships it (charAt, indexOf, lastIndexOf,
// lowerAscii, upperAscii, replace, split, substring, trim, join, strings.quote, format), each
// charged the strings it traverses, plus `reverse` (that extension's later version) and `split`
// with a limit done as Go's strings.SplitN (the shipped one cuts the last part short).
import { celFunc, celMethod, CelScalar, isCelError, listType, type CelFunc, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { chargeCost, stringCost } from '../cost.js';

const { STRING, INT } = CelScalar;

const traversed = (vs: readonly CelValue[]) => vs.reduce<number>((n, v) => n + (typeof v === 'string' ? stringCost(v) : 0), 0);

/** The shipped function, charged for the strings it is given. */
function metered(f: CelFunc): CelFunc {
  const impl = function (this: CelValue | undefined, ...args: CelValue[]) {
    chargeCost(traversed(this === undefined ? args : [this, ...args]));
    const result = f.call(0, this, args);
    if (result === undefined) throw new Error(`no such overload: ${f.id}`);
    if (isCelError(result)) throw result;
    return result;
  };
  return f.target
    ? celMethod(f.name, f.target, f.arguments as never, f.result, impl as never)
    : celFunc(f.name, f.arguments as never, f.result, impl as never);
}

/** Go's strings.SplitN: n < 0 all parts, n == 0 none, else at most n with the rest in the last. */
function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const parts = sep === '' ? [...s] : s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  const head = parts.slice(0, n - 1);
  return [...head, parts.slice(n - 1).join(sep)];
}

export const stringsLibrary: CelFunc[] = [
  ...strings.map(metered),
  celMethod('split', STRING, [STRING, INT], listType(STRING), function (sep, n) {
    chargeCost(stringCost(this));
    return splitN(this, sep, Number(n));
  }),
  celMethod('reverse', STRING, [], STRING, function () {
    chargeCost(stringCost(this));
    return [...this].reverse().join('');
  }),
];
