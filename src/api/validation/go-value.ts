// Upstream prints some bad values with Go's %#v (maps, label selectors, structs). errors.ts renders
// JSON-ish values only, so these errors carry their Go text themselves, keeping kubectl's output
// identical to upstream's.
import { FieldError, type FieldErrorType } from '../errors.js';

type Obj = Record<string, any>;

const LABELS: Partial<Record<FieldErrorType, string>> = { FieldValueInvalid: 'Invalid value', FieldValueDuplicate: 'Duplicate value' };

class GoValueError extends FieldError {
  constructor(type: FieldErrorType, field: string, private readonly rendered: string, detail: string, value: unknown) {
    super(type, field, detail, value);
  }

  override toString(): string {
    return `${this.field}: ${LABELS[this.type]}: ${this.rendered}${this.detail ? ': ' + this.detail : ''}`;
  }
}

/** field.Invalid whose bad value prints as the given Go text. */
export function invalidGo(field: string, rendered: string, detail: string, value?: unknown): FieldError {
  return new GoValueError('FieldValueInvalid', field, rendered, detail, value);
}

/** field.Duplicate whose value prints as the given Go text. */
export function duplicateGo(field: string, rendered: string, value?: unknown): FieldError {
  return new GoValueError('FieldValueDuplicate', field, rendered, '', value);
}

const q = (s: unknown) => JSON.stringify(String(s ?? ''));

/** %#v of map[string]string: sorted keys, `, ` separated; nil prints as map[string]string(nil). */
export function goStringMap(m: Record<string, unknown> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  return `map[string]string{${Object.keys(m).sort().map(k => `${q(k)}:${q(m[k])}`).join(', ')}}`;
}

export function goStringSlice(list: unknown[] | undefined | null): string {
  if (!list) return '[]string(nil)';
  return `[]string{${list.map(q).join(', ')}}`;
}

/** %#v of a metav1.LabelSelector, as in `spec.selector: Invalid value: v1.LabelSelector{...}`. */
export function goLabelSelector(sel: Obj | undefined | null): string {
  if (!sel) return '(*v1.LabelSelector)(nil)';
  const exprs = sel.matchExpressions as Obj[] | undefined;
  const renderedExprs = exprs
    ? `[]v1.LabelSelectorRequirement{${exprs.map(e => `v1.LabelSelectorRequirement{Key:${q(e.key)}, Operator:${q(e.operator)}, Values:${goStringSlice(e.values)}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${renderedExprs}}`;
}

/**
 * %#v of a resource.Quantity parsed from canonical text, as upstream prints bad quantities held by
 * value: the int64 amount ParseQuantity makes and the text it caches (only for a form it considers
 * canonical). Quantities beyond int64 precision are shown with their amount scaled the same way.
 */
export function goQuantity(text: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?([a-zA-Z]*|[eE][-+]?\d+)$/.exec(text);
  if (!m || text === '0') return `resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${q(text)}, Format:"DecimalSI"}`;
  const [, sign, whole, frac = '', suffix] = m;
  const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
  const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const shifted = whole + frac;
  const negative = sign === '-';
  let value: bigint;
  let scale: number;
  let format: string;
  let cached: boolean;
  if (suffix in binary) {
    format = 'BinarySI';
    const n = BigInt(shifted);
    value = n << BigInt(binary[suffix]);
    scale = -frac.length;
    cached = !frac && (n & 7n) !== 0n;
  } else {
    format = suffix in decimal ? 'DecimalSI' : 'DecimalExponent';
    scale = (suffix in decimal ? decimal[suffix] : Number(suffix.slice(1))) - frac.length;
    value = BigInt(shifted);
    cached = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  }
  return `resource.Quantity{i:resource.int64Amount{value:${negative ? -value : value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${q(cached ? text : '')}, Format:${q(format)}}`;
}
