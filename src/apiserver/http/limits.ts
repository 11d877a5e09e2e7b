// Upstream's generic request limits: at most --max-requests-inflight read-only and
// --max-mutating-requests-inflight mutating requests at once (429 beyond that), and a deadline of
// --request-timeout (or a shorter `?timeout=`) after which the client gets a 504. Long-running
// requests — watches, exec, attach, port-forward, proxy, logs — are exempt from both, and
// system:masters (loopback and super-admin clients) is never turned away, as upstream.
import type { ServerResponse } from 'node:http';
import { BadRequestError, TimeoutError, TooManyRequestsError } from '../../api/errors.js';
import { GoDurationError, parseGoDuration } from '../../util/go-duration.js';
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
    let ms: number;
    try {
      ms = Number(parseGoDuration(raw)) / 1e6;
    } catch (err) {
      if (err instanceof GoDurationError) throw new BadRequestError(`invalid timeout specified in the request URL - ${err.message}`);
      throw err;
    }
    return ms > 0 && ms < this.opts.requestTimeoutMs ? ms : this.opts.requestTimeoutMs;
  }
}
