// cel-go's sets extension, part of upstream's base environment: sets.contains, sets.equivalent,
// sets.intersects on lists.
import { celFunc, CelScalar, listType, type CelFunc, type CelList } from '@bufbuild/cel';
import { chargeCost } from '../cost.js';
import { celEquals } from '../values.js';

const LIST = listType(CelScalar.DYN);
const { BOOL } = CelScalar;

function has(list: CelList, v: Parameters<typeof celEquals>[0]): boolean {
  for (const x of list) if (celEquals(x, v)) return true;
  return false;
}

function contains(a: CelList, b: CelList): boolean {
  chargeCost(a.size * b.size);
  for (const x of b) if (!has(a, x)) return false;
  return true;
}

function intersects(a: CelList, b: CelList): boolean {
  chargeCost(a.size * b.size);
  for (const x of b) if (has(a, x)) return true;
  return false;
}

export const setsLibrary: CelFunc[] = [
  celFunc('sets.contains', [LIST, LIST], BOOL, contains),
  celFunc('sets.equivalent', [LIST, LIST], BOOL, (a, b) => contains(a, b) && contains(b, a)),
  celFunc('sets.intersects', [LIST, LIST], BOOL, intersects),
];
