// Syntax checks for names, keys, ports and addresses, returning upstream's exact messages
// (apimachinery pkg/util/validation and api/validation/path). Each returns [] when valid.

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const WILDCARD_SUBDOMAIN_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
const PERCENT_FMT = '[0-9]+%';

const whole = (fmt: string) => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = whole(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = whole(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL = whole(DNS1035_LABEL_FMT);
const QUALIFIED_NAME = whole(QUALIFIED_NAME_FMT);
const LABEL_VALUE = whole(LABEL_VALUE_FMT);
const CONFIG_KEY = whole(CONFIG_KEY_FMT);
const WILDCARD_SUBDOMAIN = whole(WILDCARD_SUBDOMAIN_FMT);
const PERCENT = whole(PERCENT_FMT);

/** Upstream's RegexError: the message, examples, and the regex shown to the user. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map(e => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const maxLen = (n: number) => `must be no more than ${n} characters`;

/** A value at most `max` characters long that matches `re` (written `fmt`, with upstream's message and examples). */
function lengthAndFormat(v: string, max: number, re: RegExp, msg: string, fmt: string, ...examples: string[]): string[] {
  const errs: string[] = [];
  if (v.length > max) errs.push(maxLen(max));
  if (!re.test(v)) errs.push(regexError(msg, fmt, ...examples));
  return errs;
}

export function dns1123Label(v: string): string[] {
  return lengthAndFormat(v, 63, DNS1123_LABEL, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc');
}

export function dns1123Subdomain(v: string): string[] {
  return lengthAndFormat(v, 253, DNS1123_SUBDOMAIN, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com');
}

export function dns1035Label(v: string): string[] {
  return lengthAndFormat(v, 63, DNS1035_LABEL, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT, 'my-name', 'abc-123');
}

export function wildcardDns1123Subdomain(v: string): string[] {
  return lengthAndFormat(v, 253, WILDCARD_SUBDOMAIN, "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WILDCARD_SUBDOMAIN_FMT, '*.example.com');
}

/** Names that only need to be usable as one URL path segment (RBAC objects, ...). */
export function pathSegmentName(v: string): string[] {
  const errs: string[] = [];
  for (const bad of ['.', '..']) if (v === bad) errs.push(`may not be '${bad}'`);
  for (const bad of ['/', '%']) if (v.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** A label/annotation key or finalizer: an optional DNS subdomain prefix and '/', then a name. */
export function qualifiedName(v: string): string[] {
  const parts = v.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (!prefix) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map(e => `prefix part ${e}`));
  } else {
    return [regexError("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc') + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (name && !QUALIFIED_NAME.test(name)) {
    errs.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

export function labelValue(v: string): string[] {
  return lengthAndFormat(v, 63, LABEL_VALUE, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345');
}

/** Environment variable names, under RelaxedEnvironmentVariableValidation (on by default in 1.32). */
export function envVarName(v: string): string[] {
  if (!v) return ['environment variable name must be non-empty'];
  return /^[\x20-\x3c\x3e-\x7e]*$/.test(v) ? [] : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

/** Keys become file names in volumes, so they may not walk out of their directory. */
function chDirPrefix(v: string): string[] {
  if (v === '.' || v === '..') return [`must not be '${v}'`];
  return v.startsWith('..') ? ["must not start with '..'"] : [];
}

export function configMapKey(v: string): string[] {
  return [...lengthAndFormat(v, 253, CONFIG_KEY, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'), ...chDirPrefix(v)];
}

/** An IANA_SVC_NAME: how container, service and endpoint ports are named. */
export function portName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.startsWith('-') || v.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function portNumber(v: unknown): string[] {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** An int-or-string port: a number in range, or a port name. */
export function portNumberOrName(v: unknown): string[] {
  return typeof v === 'string' ? portName(v) : portNumber(v);
}

/** A non-negative int, or a percentage like "25%" (rolling update and disruption budget bounds). */
export function intOrPercent(v: unknown): string[] {
  if (typeof v === 'string') {
    if (!PERCENT.test(v)) return [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')];
    return [];
  }
  return typeof v === 'number' && v < 0 ? ['must be greater than or equal to 0'] : [];
}

export function isIPv4(v: string): boolean {
  const parts = v.split('.');
  return parts.length === 4 && parts.every(p => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(v: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(v) || !v.includes(':')) return false;
  try {
    return new URL(`http://[${v}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

export const isIP = (v: string): boolean => isIPv4(v) || isIPv6(v);

export function isCIDR(v: string): boolean {
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
  return (isIPv4(ip) && Number(bits) <= 32) || (isIPv6(ip) && Number(bits) <= 128);
}

/** generateName is checked as a prefix: a trailing '-' (and the character before it) is masked. */
export function maskTrailingDash(v: string): string {
  return v.length > 1 && v.endsWith('-') ? `${v.slice(0, -2)}a` : v;
}
