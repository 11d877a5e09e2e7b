// Static bearer tokens (upstream's --token-auth-file): a CSV file of
// `token,user,uid[,"group1,group2,..."]`, read once at start.
import { readFileSync } from 'node:fs';
import type { TokenEntry } from './authenticator.js';

export class TokenFileError extends Error {}

export function loadTokenFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TokenFileError(`cannot read token file '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseTokenFile(text, path);
}

export function parseTokenFile(text: string, path: string): TokenEntry[] {
  const byToken = new Map<string, TokenEntry>();
  for (const record of parseCsv(text, path)) {
    if (record.length < 3) throw new TokenFileError(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    const [token, username, uid, groups] = record as [string, string, string, string?];
    // Upstream skips empty tokens and lets a later duplicate win (both with a warning).
    if (!token) continue;
    byToken.set(token, { token, user: { username, uid: uid || undefined, groups: groups ? groups.split(',') : [] } });
  }
  return [...byToken.values()];
}

/** RFC 4180 records as Go's encoding/csv reads them with TrimLeadingSpace: blank lines are skipped. */
function parseCsv(text: string, path: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    if (text[i] === '\n' || text[i] === '\r') {
      if (text[i] === '\n') line++;
      i++;
      continue;
    }
    const record: string[] = [];
    for (;;) {
      while (text[i] === ' ' || text[i] === '\t') i++;
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new TokenFileError(`token file '${path}': line ${line}: extraneous or missing " in quoted-field`);
          if (text[i] === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (text[i] === '\n') line++;
          field += text[i++];
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new TokenFileError(`token file '${path}': line ${line}: extraneous or missing " in quoted-field`);
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      }
      record.push(field);
      if (text[i] === ',') { i++; continue; }
      break;
    }
    records.push(record);
  }
  return records;
}
