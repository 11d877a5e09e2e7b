// Percentiles and timing helpers for benchmarks.

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samplesMs: number[]): { p50: number; p90: number; p99: number; max: number; count: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), p99: r(percentile(s, 99)), max: r(s[s.length - 1] ?? NaN), count: s.length };
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
