// Upstream's Kubernetes list library (k8s.io/apiserver/pkg/cel/library/lists.go):
// isSorted, sum, min, max, indexOf, lastIndexOf on lists.
import { celMethod, CelScalar, listType, type CelFunc, type CelList, type CelValue } from '@bufbuild/cel';
import { chargeCost } from '../cost.js';
import { celCompare, celEquals, kindName } from '../values.js';

const { DYN, BOOL, INT } = CelScalar;
const LIST = listType(DYN);

function items(list: CelList): CelValue[] {
  chargeCost(list.size);
  return [...list];
}

function isSorted(list: CelList): boolean {
  const xs = items(list);
  for (let i = 1; i < xs.length; i++) if (celCompare(xs[i - 1]!, xs[i]!) > 0) return false;
  return true;
}

function sum(list: CelList): CelValue {
  const xs = items(list);
  if (xs.length === 0) return 0n;
  let total = xs[0]!;
  for (const x of xs.slice(1)) {
    if (typeof total === 'bigint' && typeof x === 'bigint') total += x;
    else if (typeof total === 'number' && typeof x === 'number') total += x;
    else throw new Error(`no such overload: ${kindName(total)} + ${kindName(x)}`);
  }
  if (typeof total !== 'bigint' && typeof total !== 'number') throw new Error(`no such overload: sum on list(${kindName(total)})`);
  return total;
}

function extreme(list: CelList, name: string, better: (c: number) => boolean): CelValue {
  const xs = items(list);
  if (xs.length === 0) throw new Error(`${name} called on empty list`);
  let best: CelValue = xs[0]!;
  for (const x of xs.slice(1)) if (better(celCompare(x, best))) best = x;
  return best;
}

function indexOf(list: CelList, v: CelValue, fromEnd: boolean): bigint {
  const xs = items(list);
  const order = fromEnd ? xs.map((_, i) => xs.length - 1 - i) : xs.map((_, i) => i);
  for (const i of order) if (celEquals(xs[i]!, v)) return BigInt(i);
  return -1n;
}

export const listsLibrary: CelFunc[] = [
  celMethod('isSorted', LIST, [], BOOL, function () { return isSorted(this); }),
  celMethod('sum', LIST, [], DYN, function () { return sum(this); }),
  celMethod('min', LIST, [], DYN, function () { return extreme(this, 'min', c => c < 0); }),
  celMethod('max', LIST, [], DYN, function () { return extreme(this, 'max', c => c > 0); }),
  celMethod('indexOf', LIST, [DYN], INT, function (v) { return indexOf(this, v, false); }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (v) { return indexOf(this, v, true); }),
];
