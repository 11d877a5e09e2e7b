// Upstream's URL library (library/urls.go): url(), isURL() and getScheme, getHost, getHostname,
// getPort, getEscapedPath, getQuery. Parsing follows Go's url.ParseRequestURI, which upstream
// uses: an absolute URL or an absolute path; no fragment splitting (a '#' stays in the query or
// path); percent-escapes must be valid.

import { celFunc, celMethod, CelScalar, listType, mapType, type CelFunc } from '@bufbuild/cel';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { opaqueType } from '../opaque.js';
import { succeeds } from '../../../util/succeeds.js';

const { STRING, BOOL } = CelScalar;

export interface ParsedUrl {
  scheme: string;
  /** host[:port] as written, IPv6 in brackets. */
  host: string;
  path: string;
  rawQuery: string;
}

export class UrlParseError extends Error {}

function unescape(s: string, plusIsSpace: boolean): string {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) {
    const bad = /%.{0,2}/.exec(s.slice(s.search(/%(?![0-9a-fA-F]{2})/)))![0];
    throw new UrlParseError(`invalid URL escape ${JSON.stringify(bad)}`);
  }
  const text = plusIsSpace ? s.replace(/\+/g, ' ') : s;
  return decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
}

function checkHost(host: string): void {
  let rest = host;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) throw new UrlParseError("missing ']' in host");
    rest = host.slice(end + 1);
    if (rest && !rest.startsWith(':')) throw new UrlParseError(`invalid port ${JSON.stringify(rest)} after host`);
  } else {
    const colon = host.indexOf(':');
    rest = colon < 0 ? '' : host.slice(colon);
  }
  if (rest && !/^:\d*$/.test(rest)) throw new UrlParseError(`invalid port ${JSON.stringify(rest)} after host`);
}

export function parseRequestUrl(raw: string): ParsedUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new UrlParseError('invalid control character in URL');
  if (raw === '') throw new UrlParseError('empty url');
  let rest = raw;
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = raw.slice(m[0].length);
  } else if (!raw.startsWith('/')) {
    throw new UrlParseError('invalid URI for request');
  }
  const q = rest.indexOf('?');
  const rawQuery = q < 0 ? '' : rest.slice(q + 1);
  rest = q < 0 ? rest : rest.slice(0, q);
  let host = '';
  if (scheme && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    let authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.slice(at + 1);
    checkHost(authority);
    host = unescape(authority, false);
  } else if (!rest.startsWith('/')) {
    throw new UrlParseError('invalid URI for request');
  }
  return { scheme, host, path: unescape(rest, false), rawQuery };
}

function hostname(u: ParsedUrl): string {
  if (u.host.startsWith('[')) return u.host.slice(1, u.host.indexOf(']'));
  const colon = u.host.indexOf(':');
  return colon < 0 ? u.host : u.host.slice(0, colon);
}

function port(u: ParsedUrl): string {
  const afterHost = u.host.startsWith('[') ? u.host.slice(u.host.indexOf(']') + 1) : u.host.slice(hostname(u).length);
  return afterHost.startsWith(':') ? afterHost.slice(1) : '';
}

/** Go's EscapedPath: the path with everything outside RFC 3986's path characters percent-encoded. */
function escapedPath(path: string): string {
  return [...path].map(c => (/[A-Za-z0-9\-._~!$&'()*+,;=:@/]/.test(c) ? c : encodeURIComponent(c))).join('');
}

/** Go's url.ParseQuery, keeping pairs that fail to unescape out as it does. */
function query(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    try {
      const k = unescape(eq < 0 ? pair : pair.slice(0, eq), true);
      const v = eq < 0 ? '' : unescape(pair.slice(eq + 1), true);
      out.set(k, [...(out.get(k) ?? []), v]);
    } catch {
      // Go skips a pair it cannot unescape.
    }
  }
  return out;
}

const URLType = opaqueType<ParsedUrl>('kubernetes.URL');
const URL_T = URLType.celType;
const u = (v: ReflectMessage) => URLType.payload(v);

export const urlsLibrary: CelFunc[] = [
  celFunc('url', [STRING], URL_T, s => {
    let parsed: ParsedUrl;
    try {
      parsed = parseRequestUrl(s);
    } catch (err) {
      throw new Error(`URL parse error during conversion from string: parse ${JSON.stringify(s)}: ${(err as Error).message}`);
    }
    return URLType.make(s, parsed);
  }),
  celFunc('isURL', [STRING], BOOL, s => succeeds(() => parseRequestUrl(s))),
  celFunc('string', [URL_T], STRING, v => URLType.payload(v) && String((v.message as { key?: string }).key)),
  celMethod('getScheme', URL_T, [], STRING, function () { return u(this).scheme; }),
  celMethod('getHost', URL_T, [], STRING, function () { return u(this).host; }),
  celMethod('getHostname', URL_T, [], STRING, function () { return hostname(u(this)); }),
  celMethod('getPort', URL_T, [], STRING, function () { return port(u(this)); }),
  celMethod('getEscapedPath', URL_T, [], STRING, function () { return escapedPath(u(this).path); }),
  celMethod('getQuery', URL_T, [], mapType(STRING, listType(STRING)), function () { return query(u(this).rawQuery); }),
];
