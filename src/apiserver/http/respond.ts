// Writing responses: objects and lists in the negotiated encoding, errors as meta/v1 Status.
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { InternalError, StatusError, statusBody, type Status } from '../../api/errors.js';
import type { Encoding } from './negotiate.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, encoding: Encoding = 'json', warnings: string[] = []): void {
  sendText(res, code, encoding === 'yaml' ? toYaml(body) : JSON.stringify(body), encoding, warnings);
}

/**
 * Sends text that is already JSON (e.g. cached object encodings) or YAML. JSON ends with a newline,
 * as Go's encoder writes it: clients that show error bodies verbatim print it. The whole body is
 * at hand, so it goes with its Content-Length (as upstream's responses do) rather than chunked,
 * which also lets Node write headers and body in one piece.
 */
export function sendText(res: ServerResponse, code: number, text: string, encoding: Encoding, warnings: string[] = []): void {
  if (res.headersSent) return;
  if (encoding !== 'yaml' && !text.endsWith('\n')) text += '\n';
  const headers: Record<string, string | string[]> = {
    'Content-Type': encoding === 'yaml' ? 'application/yaml' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(text)),
  };
  if (warnings.length) headers['Warning'] = warnings.map(w => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return new InternalError(err instanceof Error ? err.message : String(err));
}

/** Warnings gathered before the failure (admission webhooks') go out with it, as upstream's. */
export function sendError(res: ServerResponse, err: unknown, encoding: Encoding = 'json', warnings: string[] = []): void {
  const se = toStatusError(err);
  const body: Status = se.toStatus();
  if (se.code === 429 && se.details?.retryAfterSeconds) res.setHeader('Retry-After', String(se.details.retryAfterSeconds));
  sendJson(res, se.code, body, encoding, warnings);
}

export function successStatus(details: Status['details'], code = 200): Status {
  return statusBody('Success', code, { details });
}
