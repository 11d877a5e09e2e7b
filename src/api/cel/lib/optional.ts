// A minimal cel-go optional type (optional.of, optional.none, optional.ofNonZeroValue, hasValue,
// value, orValue, or). @bufbuild/cel has neither optional values nor the `?.` syntax; upstream's
// format library returns optionals, so the functions are here. `?.` / `[?...]` stay unsupported.
import { celFunc, celMethod, CelScalar, type CelFunc, type CelValue } from '@bufbuild/cel';
import { isMessage } from '@bufbuild/protobuf';
import { isReflectMessage, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { isCelList, isCelMap, type CelInput } from '@bufbuild/cel';
import { opaqueType } from '../opaque.js';
import { toJson } from '../values.js';

const { DYN, BOOL } = CelScalar;
export const OptionalType = opaqueType<{ value?: CelValue }>('optional.Optional');
const OPT = OptionalType.celType;

export const optionalNone = () => OptionalType.make('none', {});
/** Text that is equal for equal contents: what `==` on two optionals compares. */
function keyOf(v: unknown): string {
  if (isReflectMessage(v)) return keyOf(v.message);
  if (isMessage(v)) return `${v.$typeName}(${JSON.stringify((v as { key?: string }).key)})`;
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  return JSON.stringify(toJson(v as CelValue));
}

export const optionalOf = (value: CelInput) => OptionalType.make(`some:${keyOf(value)}`, { value: value as CelValue });

function isZero(v: CelValue): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  if (isCelList(v) || isCelMap(v)) return v.size === 0;
  return false;
}

const opt = (v: ReflectMessage) => OptionalType.payload(v);

export const optionalLibrary: CelFunc[] = [
  celFunc('optional.of', [DYN], OPT, v => optionalOf(v)),
  celFunc('optional.none', [], OPT, () => optionalNone()),
  celFunc('optional.ofNonZeroValue', [DYN], OPT, v => (isZero(v) ? optionalNone() : optionalOf(v))),
  celMethod('hasValue', OPT, [], BOOL, function () { return 'value' in opt(this); }),
  celMethod('value', OPT, [], DYN, function () {
    const o = opt(this);
    if (!('value' in o)) throw new Error('optional.none() dereference');
    return o.value!;
  }),
  celMethod('orValue', OPT, [DYN], DYN, function (d) { const o = opt(this); return 'value' in o ? o.value! : d; }),
  celMethod('or', OPT, [OPT], OPT, function (other) { return 'value' in opt(this) ? this.message : other.message; }),
];
