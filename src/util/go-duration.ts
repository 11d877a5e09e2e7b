// Go's time.Duration in text, both ways: ParseDuration ("1h30m", "1.5s", "-2m", "0") for flags,
// `?timeout=` and `@every` schedules, and Duration.String() ("1h2m3.5s", "15.002s", "250ms", "0s"),
// the text a metav1.Duration field (e.g. PodMetrics' window) carries on the wire.

/** A text Go's time.ParseDuration rejects; the message is Go's. */
export class GoDurationError extends Error {}

const NS_PER_UNIT: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const MAX_DURATION_NS = 2n ** 63n - 1n;

/** Go's time.ParseDuration ("1h30m", "1.5s", "-2m", "0") in nanoseconds, with its error texts. */
export function parseGoDuration(text: string): bigint {
  const invalid = () => new GoDurationError(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [whole, frac] = [m[1], m[2]];
    if (!whole && !frac) throw invalid();
    s = s.slice(m[0].length);
    const unitText = /^[^\d.]*/.exec(s)![0];
    if (!unitText) throw new GoDurationError(`time: missing unit in duration ${JSON.stringify(text)}`);
    s = s.slice(unitText.length);
    const unit = NS_PER_UNIT[unitText];
    if (unit === undefined) throw new GoDurationError(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`);
    // Go keeps the fraction's digits only as far as they still change the result.
    const fraction = frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n;
    total += BigInt(whole || '0') * unit + fraction;
    if (total > MAX_DURATION_NS + (negative ? 1n : 0n)) throw invalid();
  }
  return negative ? -total : total;
}

const UNITS_BELOW_SECOND: [number, string][] = [[1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];

/** Go's Duration.String() of a span in milliseconds. */
export function goDurationString(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  if (abs < 1e9) {
    const [size, unit] = UNITS_BELOW_SECOND.find(([s]) => abs >= s)!;
    return `${sign}${fraction(abs, size)}${unit}`;
  }
  const hours = Math.floor(abs / 3.6e12);
  const minutes = Math.floor((abs % 3.6e12) / 6e10);
  const seconds = fraction(abs % 6e10, 1e9);
  if (hours) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** `value / size` with the remainder's digits, trailing zeros dropped (Go's fmtFrac). */
function fraction(value: number, size: number): string {
  const whole = Math.floor(value / size);
  const rest = value % size;
  if (!rest) return String(whole);
  const digits = String(size).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
