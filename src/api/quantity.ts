// Resource quantities ("500m", "1.5Gi", "2e3", 4) as exact decimals, compared and printed the way
// upstream's resource.Quantity does. The one parser: decoding, validation and defaults, quota
// usage, the scheduler's and the kubelet's resource arithmetic all use it.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = digits × 10^scale, exactly; `format` is how the user wrote it and how it prints back. */
export interface Quantity {
  readonly digits: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
}

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export class QuantityParseError extends Error {}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_FOR_EXPONENT = Object.fromEntries(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const NANO = -9;

export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? numberText(input) : input;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(text);
  if (!m || !/^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.test(text) || (!m[2] && !m[3])) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  const [, sign, whole, frac = '', suffix] = m;
  let digits = BigInt((whole || '0') + frac);
  let scale = -frac.length;
  let format: QuantityFormat = 'DecimalSI';
  if (suffix in BINARY_SUFFIXES) {
    digits *= 2n ** BigInt(BINARY_SUFFIXES[suffix]);
    format = 'BinarySI';
  } else if (suffix in DECIMAL_SUFFIXES) {
    scale += DECIMAL_SUFFIXES[suffix];
  } else if (/^[eE][-+]?\d+$/.test(suffix)) {
    scale += Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else {
    throw new QuantityParseError("unable to parse quantity's suffix");
  }
  // Upstream keeps nano precision at most, rounding up.
  if (scale < NANO) {
    // A divisor longer than the digits leaves 0 remainder digits: no need to build 10^(a billion).
    if (NANO - scale > digits.toString().length) digits = digits === 0n ? 0n : 1n;
    else {
      const div = 10n ** BigInt(NANO - scale);
      digits = digits / div + (digits % div === 0n ? 0n : 1n);
    }
    scale = NANO;
  }
  return { digits: sign === '-' ? -digits : digits, scale, format };
}

/** The error message for an unparseable quantity, or undefined when it parses. */
export function quantityError(input: unknown): string | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return QUANTITY_FORMAT_ERROR;
  try {
    parseQuantity(input);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  // Different signs or orders of magnitude decide without rescaling: "1e100000000" against "1"
  // would otherwise build a hundred-million-digit number.
  const sa = sign(a.digits);
  const sb = sign(b.digits);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const ma = magnitude(a);
  const mb = magnitude(b);
  if (ma !== mb) return (ma < mb) === (sa > 0) ? -1 : 1;
  const scale = Math.min(a.scale, b.scale);
  const x = a.digits * 10n ** BigInt(a.scale - scale);
  const y = b.digits * 10n ** BigInt(b.scale - scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sign(n: bigint): -1 | 0 | 1 {
  return n < 0n ? -1 : n > 0n ? 1 : 0;
}

/** The position of the leading digit: |value| lies in [10^(m-1), 10^m). */
function magnitude(q: Quantity): number {
  return (q.digits < 0n ? -q.digits : q.digits).toString().length + q.scale;
}

/** a + b exactly, in a's format (as upstream's Quantity.Add keeps the receiver's). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  // Values further apart than MAX_SHIFT digits are far outside int64 (upstream's limit) whatever the
  // smaller adds: keep the larger rather than build a number with as many digits as the gap.
  if (b.digits === 0n) return a;
  if (a.digits === 0n) return { ...b, format: a.format };
  const gap = magnitude(a) - magnitude(b);
  if (Math.abs(gap) > MAX_SHIFT) return gap > 0 ? a : { ...b, format: a.format };
  const scale = Math.min(a.scale, b.scale);
  return { digits: a.digits * 10n ** BigInt(a.scale - scale) + b.digits * 10n ** BigInt(b.scale - scale), scale, format: a.format };
}

/** Compares two quantities given as text or numbers (throws on unparseable input). */
export function compareQuantityText(a: string | number, b: string | number): -1 | 0 | 1 {
  return compareQuantities(parseQuantity(a), parseQuantity(b));
}

/** The value scaled by 10^-exp, rounded up: exp -3 gives upstream's MilliValue, 0 its Value. */
export function scaledValue(q: Quantity, exp = 0): bigint {
  // Exponents are the client's ("1e100000000"): a power of ten that size would stall the server
  // for minutes. Beyond MAX_SHIFT the value is far outside int64 (upstream's limit) either way,
  // so it saturates; a divisor longer than the digits leaves only the rounding.
  const shift = q.scale - exp;
  if (shift >= 0) return q.digits * 10n ** BigInt(Math.min(shift, MAX_SHIFT));
  if (-shift > (q.digits < 0n ? -q.digits : q.digits).toString().length) return q.digits > 0n ? 1n : 0n;
  const div = 10n ** BigInt(-shift);
  const quotient = q.digits / div;
  return q.digits % div !== 0n && q.digits > 0n ? quotient + 1n : quotient;
}

const MAX_SHIFT = 64;

export const milliValue = (q: Quantity): bigint => scaledValue(q, -3);

/** Text to milli-units rounded up, for exact sums such as quota usage. Throws on bad input. */
export const parseMilli = (input: string | number): bigint => milliValue(parseQuantity(input));

/** Milli-units as text: binary suffixes for a whole number of Ki or more that 1024 divides, else SI. */
export function formatMilli(milli: bigint): string {
  const whole = milli % 1000n === 0n ? milli / 1000n : 0n;
  if (whole !== 0n && whole % 1024n === 0n) return formatQuantity({ digits: whole, scale: 0, format: 'BinarySI' });
  return formatQuantity({ digits: milli, scale: -3, format: 'DecimalSI' });
}

/** Rounds up to milli precision, as SetDefaults_ResourceList does for every resource list. */
export function roundUpToMilli(q: Quantity): Quantity {
  return q.scale >= -3 ? q : { digits: milliValue(q), scale: -3, format: q.format };
}

/** Upstream's canonical text: binary suffixes only for whole multiples of 1024, else SI or e-notation. */
export function formatQuantity(q: Quantity): string {
  if (q.digits === 0n) return '0';
  if (q.format === 'BinarySI') {
    const whole = q.scale >= 0 ? q.digits * 10n ** BigInt(q.scale) : undefined;
    const exact = whole !== undefined || q.digits % 10n ** BigInt(-q.scale) === 0n;
    const value = whole ?? q.digits / 10n ** BigInt(-q.scale);
    if (exact && (value >= 1024n || value <= -1024n)) return base1024(value);
    return decimal(q, 'DecimalSI');
  }
  return decimal(q, q.format);
}

function base1024(value: bigint): string {
  let n = value;
  let exp = 0;
  while (exp < 60 && n % 1024n === 0n) {
    n /= 1024n;
    exp += 10;
  }
  const suffix = Object.entries(BINARY_SUFFIXES).find(([, e]) => e === exp)?.[0] ?? '';
  return `${n}${suffix}`;
}

function decimal(q: Quantity, format: QuantityFormat): string {
  let digits = q.digits;
  let scale = q.scale;
  while (digits % 10n === 0n) {
    digits /= 10n;
    scale++;
  }
  // Exponents go in steps of three so that they map onto SI suffixes.
  while (((scale % 3) + 3) % 3 !== 0) {
    digits *= 10n;
    scale--;
  }
  if (format === 'DecimalExponent') return scale === 0 ? `${digits}` : `${digits}e${scale}`;
  while (scale > 18) {
    digits *= 1000n;
    scale -= 3;
  }
  return `${digits}${SUFFIX_FOR_EXPONENT[scale]}`;
}

/** Reformats quantity text canonically (rounded up to milli); unparseable text is returned as is. */
export function canonicalQuantity(input: string | number): string | number {
  try {
    return formatQuantity(roundUpToMilli(parseQuantity(input)));
  } catch {
    return input;
  }
}

function numberText(n: number): string {
  // JSON numbers arrive as JS numbers; print them without exponent where JS would use one.
  return Number.isInteger(n) ? BigInt(n).toString() : String(n).replace(/e\+?/, 'e');
}
