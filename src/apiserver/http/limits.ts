// Upstream's generic request limits: at most --max-requests-inflight read-only and
// --max-mutating-requests-inflight mutating requests at once (429 beyond that), and a deadline of
// --request-timeout (or a shorter `?timeout=`) after which the client gets a 504. Long-running
// requests — watches, exec, attach, port-forward, proxy, logs — are exempt from both, and
// system:masters (loopback and super-admin clients) is never turned away, as upstream.
import type { ServerResponse } from 'node:http';
import { BadRequestError, TimeoutError, TooManyRequestsError } from '../../api/errors.js';
import type { UserInfo } from '../context.js';
import type { RequestInfo } from '../request-info.js';
import { sendError } from './respond.js';

export interface RequestLimitOptions {
  /** Read-only requests served at once; 0: no limit. Upstream's default is 400. */
  maxRequestsInflight: number;
  /** Mutating requests served at once; 0: no limit. Upstream's default is 200. */
  maxMutatingRequestsInflight: number;
  /** The longest a non-long-running request may take, in ms. Upstream's default is 60 s. */
  requestTimeoutMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimitOptions = { maxRequestsInflight: 400, maxMutatingRequestsInflight: 200, requestTimeoutMs: 60_000 };

const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
const READ_ONLY_VERBS = new Set(['get', 'list', 'watch']);

/** Upstream's BasicLongRunningRequestCheck. */
export function isLongRunning(ri: RequestInfo): boolean {
  if (LONG_RUNNING_VERBS.has(ri.verb)) return true;
  if (ri.isResourceRequest) return LONG_RUNNING_SUBRESOURCES.has(ri.subresource) || ri.verb === 'connect';
  return ri.path.startsWith('/debug/pprof/');
}

export class RequestLimits {
  private readOnly = 0;
  private mutating = 0;

  constructor(private readonly opts: RequestLimitOptions) {}

  /**
   * Admits a request that has been authenticated: throws the 429 when its kind of request is at
   * its limit, else counts it until the response closes and arms its deadline.
   */
  admit(ri: RequestInfo, user: UserInfo, url: URL, res: ServerResponse): void {
    if (isLongRunning(ri)) return;
    const deadlineMs = this.deadline(url);
    const mutating = !READ_ONLY_VERBS.has(ri.verb);
    const limit = mutating ? this.opts.maxMutatingRequestsInflight : this.opts.maxRequestsInflight;
    const full = limit > 0 && (mutating ? this.mutating : this.readOnly) >= limit;
    // system:masters is served even then, without taking a slot.
    if (full && !user.groups.includes('system:masters')) throw new TooManyRequestsError('Too many requests, please try again later.', 1);
    const counted = !full;
    if (counted) this.count(mutating, 1);
    const timer = setTimeout(() => sendError(res, new TimeoutError('request did not complete within the allotted timeout')), deadlineMs);
    res.once('close', () => {
      clearTimeout(timer);
      if (counted) this.count(mutating, -1);
    });
  }

  private count(mutating: boolean, delta: number): void {
    if (mutating) this.mutating += delta; else this.readOnly += delta;
  }

  /** The request's deadline: `?timeout=` when it is shorter than the server's, as upstream's WithRequestDeadline. */
  private deadline(url: URL): number {
    const raw = url.searchParams.get('timeout');
    if (!raw) return this.opts.requestTimeoutMs;
    const ms = parseGoDuration(raw);
    if (ms === undefined) throw new BadRequestError(`invalid timeout specified in the request URL - time: invalid duration ${JSON.stringify(raw)}`);
    return ms > 0 && ms < this.opts.requestTimeoutMs ? ms : this.opts.requestTimeoutMs;
  }
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration ("1m30s", "500ms", "-1.5h", "0"), in milliseconds; undefined if invalid. */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(text);
  if (!m) return undefined;
  if (m[2] === '0') return 0;
  let total = 0;
  for (const part of m[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * UNIT_MS[part[2]];
  return m[1] === '-' ? -total : total;
}
