// Upstream's format library (library/format.go): `format.named(name)` (an optional format) and
// `format.<name>()`, each with `.validate(s)`: optional.none() when `s` is valid, else
// optional.of(the list of errors), with apimachinery's messages.
import { celFunc, celMethod, CelScalar, type CelFunc } from '@bufbuild/cel';
import { dns1035Label, dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from '../../validation/names.js';
import { opaqueType } from '../opaque.js';
import { optionalNone, optionalOf, OptionalType } from './optional.js';
import { parseRequestUrl } from './urls.js';

const { STRING } = CelScalar;

/** generateName prefixes: a trailing '-' is allowed, as apimachinery's maskTrailingDash does. */
const prefix = (check: (s: string) => string[]) => (s: string) => check(s.length > 1 && s.endsWith('-') ? `${s.slice(0, -1)}a` : s);

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export const FORMATS: Record<string, (s: string) => string[]> = {
  dns1123Label,
  dns1123Subdomain,
  dns1035Label,
  qualifiedName,
  dns1123LabelPrefix: prefix(dns1123Label),
  dns1123SubdomainPrefix: prefix(dns1123Subdomain),
  dns1035LabelPrefix: prefix(dns1035Label),
  labelValue,
  uri: s => {
    try {
      parseRequestUrl(s);
      return [];
    } catch (err) {
      return [`invalid URI: ${(err as Error).message}`];
    }
  },
  uuid: s => (UUID.test(s) ? [] : ['does not match the UUID format']),
  byte: s => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64']),
  date: s => (validDate(s) ? [] : ['invalid date']),
  datetime: s => (DATETIME.test(s) && validDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s)) ? [] : ['invalid datetime']),
};

export const FormatType = opaqueType<(s: string) => string[]>('kubernetes.NamedFormat');
const FORMAT = FormatType.celType;
const makeFormat = (name: string) => FormatType.make(name, FORMATS[name]!);

export const formatLibrary: CelFunc[] = [
  celFunc('format.named', [STRING], OptionalType.celType, name => (Object.hasOwn(FORMATS, name) ? optionalOf(makeFormat(name)) : optionalNone())),
  ...Object.keys(FORMATS).map(name => celFunc(`format.${name}`, [], FORMAT, () => makeFormat(name))),
  celMethod('validate', FORMAT, [STRING], OptionalType.celType, function (s) {
    const errs = FormatType.payload(this)(s);
    return errs.length ? optionalOf(errs) : optionalNone();
  }),
];
