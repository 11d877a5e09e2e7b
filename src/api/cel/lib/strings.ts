// Strings: cel-go's strings extension as @bufbuild/cel ships it (charAt, indexOf, lastIndexOf,
// lowerAscii, upperAscii, replace, split, substring, trim, join, strings.quote, format), plus
// `reverse`, which that extension's later version adds.
import { celMethod, CelScalar, type CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { chargeCost, stringCost } from '../cost.js';

const { STRING } = CelScalar;

export const stringsLibrary: CelFunc[] = [
  ...strings,
  celMethod('reverse', STRING, [], STRING, function () {
    chargeCost(stringCost(this));
    return [...this].reverse().join('');
  }),
];
