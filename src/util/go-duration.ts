// Go's time.Duration.String(): "1h2m3.5s", "15.002s", "250ms", "0s", the text a metav1.Duration
// field (e.g. PodMetrics' window) carries on the wire.

const UNITS_BELOW_SECOND: [number, string][] = [[1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];

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
