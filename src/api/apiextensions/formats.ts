// The string formats CRD schemas may name, checked as kube-openapi's strfmt registry checks them.
// Upstream keeps only these (StripUnsupportedFormatsPostProcess): any other format — int32, int64,
// float, ... — is documentation and not validated. Names compare without '-' (date-time = datetime).
import { isCIDR, isIPv4, isIPv6 } from '../validation/names.js';
import { succeeds } from '../../util/succeeds.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|[+-]\d{2}:\d{2})$/;
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const UNIT_DURATION = /^(\d+)\s*(ns|nanoseconds?|us|µs|microseconds?|ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?|w|weeks?)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOSTNAME = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const EMAIL = /^(?:[^<>@\s]+@[^<>@\s]+|[^<>]*<[^<>@\s]+@[^<>@\s]+>)$/;
const MAC = /^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){3}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){9})$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const ISBN10 = /^(?:ISBN(?:-10)?:? )?(?=[0-9X]{10}$|(?=(?:[0-9]+[- ]){3})[- 0-9X]{13}$)[0-9]{1,5}[- ]?[0-9]+[- ]?[0-9]+[- ]?[0-9X]$/;
const ISBN13 = /^(?:ISBN(?:-13)?:? )?(?=[0-9]{13}$|(?=(?:[0-9]+[- ]){4})[- 0-9]{17}$)97[89][- ]?[0-9]{1,5}[- ]?[0-9]+[- ]?[0-9]+[- ]?[0-9]$/;
const CREDIT_CARD = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const HEX_COLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const RGB_COLOR = /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function isDateTime(s: string): boolean {
  const parts = s.toLowerCase().split('t');
  if (parts.length !== 2 || !isDate(parts[0]!)) return false;
  const m = TIME.exec(parts[1]!);
  return !!m && Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3]) <= 59;
}

function isURI(s: string): boolean {
  if (s.startsWith('/')) return !/\s/.test(s);
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && succeeds(() => new URL(s));
}

const checks: Record<string, (s: string) => boolean> = {
  bsonobjectid: s => /^[0-9a-fA-F]{24}$/.test(s),
  uri: isURI,
  email: s => EMAIL.test(s.trim()),
  hostname: s => s.length <= 255 && HOSTNAME.test(s),
  ipv4: s => isIPv4(s),
  ipv6: s => isIPv6(s),
  cidr: s => isCIDR(s),
  mac: s => MAC.test(s),
  uuid: s => UUID.test(s),
  uuid3: s => UUID3.test(s),
  uuid4: s => UUID4.test(s),
  uuid5: s => UUID5.test(s),
  isbn: s => ISBN10.test(s) || ISBN13.test(s),
  isbn10: s => ISBN10.test(s),
  isbn13: s => ISBN13.test(s),
  creditcard: s => CREDIT_CARD.test(s.replace(/\D/g, '')),
  ssn: s => SSN.test(s),
  hexcolor: s => HEX_COLOR.test(s),
  rgbcolor: s => RGB_COLOR.test(s),
  byte: s => BASE64.test(s.replace(/[\r\n]/g, '')),
  password: () => true,
  date: isDate,
  duration: s => s === '0' || GO_DURATION.test(s) || UNIT_DURATION.test(s),
  datetime: isDateTime,
};

/** The check for a format name, or undefined when upstream does not validate that format. */
export function formatCheck(format: string | undefined): ((s: string) => boolean) | undefined {
  if (!format) return undefined;
  return checks[format.replace(/-/g, '')];
}
