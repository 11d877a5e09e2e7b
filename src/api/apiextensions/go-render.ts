// Go's %#v of decoded JSON values (map[string]interface {}, []interface {}, int64, float64, ...),
// which upstream prints for bad values that are not plain strings or numbers.
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goValue).join(', ')}}`;
  const o = v as Record<string, unknown>;
  return `map[string]interface {}{${Object.keys(o).sort().map(k => `${JSON.stringify(k)}:${goValue(o[k])}`).join(', ')}}`;
}

/** Go's %v of a float64 (or an int64 when whole): exponents from 1e21 as Go writes them. */
export function goNumber(n: number): string {
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
