// Upstream's quantity library (library/quantity.go): quantity(), isQuantity() and the methods
// sign, isInteger, asInteger, asApproximateFloat, add, sub, compareTo, isGreaterThan, isLessThan,
// on exact decimals from api/quantity.ts. Two quantities are `==` when their values are equal.
import { celFunc, celMethod, CelScalar, type CelFunc } from '@bufbuild/cel';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../quantity.js';
import { opaqueType } from '../opaque.js';
import { succeeds } from '../../../util/succeeds.js';

const { STRING, BOOL, INT, DOUBLE } = CelScalar;
const QuantityType = opaqueType<Quantity>('kubernetes.Quantity');
const Q = QuantityType.celType;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** The value with trailing zeros folded into the scale: equal values give equal keys. */
function normalKey(q: Quantity): string {
  let { digits, scale } = q;
  if (digits === 0n) return '0';
  while (digits % 10n === 0n) {
    digits /= 10n;
    scale++;
  }
  return `${digits}e${scale}`;
}

function makeQuantity(q: Quantity) {
  return QuantityType.make(normalKey(q), q);
}

function parse(s: string): Quantity {
  try {
    return parseQuantity(s);
  } catch (err) {
    throw new Error(`invalid quantity: ${(err as Error).message}`);
  }
}

/** The exact integer value, or undefined when there is a fraction or it overflows int64. */
function asInt64(q: Quantity): bigint | undefined {
  let v: bigint;
  if (q.scale >= 0) v = q.digits * 10n ** BigInt(q.scale);
  else {
    const div = 10n ** BigInt(-q.scale);
    if (q.digits % div !== 0n) return undefined;
    v = q.digits / div;
  }
  return v > INT64_MAX || v < INT64_MIN ? undefined : v;
}

function plus(a: Quantity, b: Quantity, sign: 1n | -1n): Quantity {
  const scale = Math.min(a.scale, b.scale);
  const digits = a.digits * 10n ** BigInt(a.scale - scale) + sign * b.digits * 10n ** BigInt(b.scale - scale);
  return { digits, scale, format: a.format };
}

const q = (v: ReflectMessage) => QuantityType.payload(v);
const fromInt = (n: bigint): Quantity => ({ digits: n, scale: 0, format: 'DecimalSI' });

export const quantityLibrary: CelFunc[] = [
  celFunc('quantity', [STRING], Q, s => makeQuantity(parse(s))),
  celFunc('isQuantity', [STRING], BOOL, s => succeeds(() => parseQuantity(s))),
  celFunc('string', [Q], STRING, v => formatQuantity(q(v))),
  celMethod('sign', Q, [], INT, function () { const d = q(this).digits; return d > 0n ? 1n : d < 0n ? -1n : 0n; }),
  celMethod('isInteger', Q, [], BOOL, function () { return asInt64(q(this)) !== undefined; }),
  celMethod('asInteger', Q, [], INT, function () {
    const v = asInt64(q(this));
    if (v === undefined) throw new Error('cannot convert value to integer');
    return v;
  }),
  celMethod('asApproximateFloat', Q, [], DOUBLE, function () { const { digits, scale } = q(this); return Number(digits) * 10 ** scale; }),
  celMethod('add', Q, [Q], Q, function (o) { return makeQuantity(plus(q(this), q(o), 1n)); }),
  celMethod('add', Q, [INT], Q, function (n) { return makeQuantity(plus(q(this), fromInt(n), 1n)); }),
  celMethod('sub', Q, [Q], Q, function (o) { return makeQuantity(plus(q(this), q(o), -1n)); }),
  celMethod('sub', Q, [INT], Q, function (n) { return makeQuantity(plus(q(this), fromInt(n), -1n)); }),
  celMethod('compareTo', Q, [Q], INT, function (o) { return BigInt(compareQuantities(q(this), q(o))); }),
  celMethod('isGreaterThan', Q, [Q], BOOL, function (o) { return compareQuantities(q(this), q(o)) > 0; }),
  celMethod('isLessThan', Q, [Q], BOOL, function (o) { return compareQuantities(q(this), q(o)) < 0; }),
];
