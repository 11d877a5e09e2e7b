// Resource quantities ("500m", "1.5Gi", "2e3") as exact integers of milli-units, and back to the
// canonical text upstream prints: binary suffixes when the value is a whole number of them,
// otherwise decimal ones, `m` for fractions.

export class QuantityError extends Error {}

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const ceilDiv = (a: bigint, b: bigint) => (a >= 0n ? (a + b - 1n) / b : a / b);

/** Milli-units, rounded up as upstream's MilliValue. */
export function parseQuantity(text: string): bigint {
  const m = /^([+-]?)(\d+\.?\d*|\.\d+)(.*)$/.exec(text.trim());
  if (!m) throw new QuantityError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${text}`);
  const [, sign, number, suffix] = m;
  const [whole, frac = ''] = number.split('.');
  const digits = BigInt((whole || '0') + frac);
  let value: bigint;
  if (suffix in BINARY) {
    value = ceilDiv(digits * 1000n * 2n ** BigInt(BINARY[suffix]), 10n ** BigInt(frac.length));
  } else {
    let exp: number;
    if (suffix in DECIMAL) exp = DECIMAL[suffix];
    else if (/^[eE][-+]?\d+$/.test(suffix)) exp = Number(suffix.slice(1));
    else throw new QuantityError(`unable to parse quantity's suffix: ${text}`);
    const e = exp + 3 - frac.length;
    value = e >= 0 ? digits * 10n ** BigInt(e) : ceilDiv(digits, 10n ** BigInt(-e));
  }
  return sign === '-' ? -value : value;
}

export function formatQuantity(milli: bigint): string {
  if (milli === 0n) return '0';
  if (milli % 1000n !== 0n) return `${milli}m`;
  const v = milli / 1000n;
  const abs = v < 0n ? -v : v;
  for (const [suffix, bits] of Object.entries(BINARY).reverse()) {
    const unit = 2n ** BigInt(bits);
    if (abs >= unit && abs % unit === 0n) return `${v / unit}${suffix}`;
  }
  for (const [suffix, exp] of [['E', 18], ['P', 15], ['T', 12], ['G', 9], ['M', 6], ['k', 3]] as const) {
    const unit = 10n ** BigInt(exp);
    if (abs >= unit && abs % unit === 0n) return `${v / unit}${suffix}`;
  }
  return `${v}`;
}

/** Whole-number counts print without units. */
export const countOf = (n: number) => BigInt(n) * 1000n;
