// Each aggregated server's /openapi/v2, held in memory, as upstream's OpenAPI aggregation
// controller keeps them: a Service-backed APIService's document is downloaded in the background
// when the APIService changes (becoming Available is a change) and again a minute after each
// download, with backoff after a failure. /openapi/v2 merges what is held here and so never waits
// on, nor fails with, an extension server; a server that stops answering keeps its last document.
import { createHash } from 'node:crypto';
import type { APIService } from '../../api/types/generated.js';
import { WorkQueue } from '../../client/work-queue.js';
import type { Registry } from '../registry/registry.js';
import { availableRemote } from './availability.js';

/** How long a downloaded document is used before it is downloaded again (upstream's successfulUpdateDelay). */
const REFRESH_MS = 60_000;
/** The first retry after a failed download; the backoff doubles up to REFRESH_MS. */
const RETRY_MS = 1000;

/** One extension server's /openapi/v2 as last downloaded; `etag` names its content. */
export interface DownloadedSpec {
  body: Buffer;
  etag: string;
}

/** GETs `path` from the APIService's server; undefined unless it answers 200. */
export type BackendFetch = (apiService: APIService, path: string) => Promise<Buffer | undefined>;

type Outcome = 'refresh' | 'retry' | 'idle';

export class OpenAPIV2Downloads {
  private readonly specs = new Map<string, DownloadedSpec>();
  private readonly queue = new WorkQueue<string>({ baseDelayMs: RETRY_MS, maxDelayMs: REFRESH_MS });
  private unsubscribe?: () => void;
  private running = false;

  constructor(
    private readonly registry: Registry,
    private readonly fetch: BackendFetch,
    private readonly log?: (msg: string, fields?: Record<string, unknown>) => void,
  ) {}

  private get apiServices() {
    return this.registry.get('apiregistration.k8s.io', 'apiservices');
  }

  start(): void {
    this.running = true;
    this.unsubscribe = this.apiServices.cache.subscribe(events => {
      for (const e of events) this.queue.add(e.current.object.metadata.name ?? '');
    });
    for (const { object } of this.apiServices.cache.list()) this.queue.add(object.metadata.name ?? '');
    void this.work();
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.queue.shutdown();
  }

  /** The held document of an available Service-backed APIService. */
  document(apiService: APIService): DownloadedSpec | undefined {
    return availableRemote(apiService) ? this.specs.get(apiService.metadata?.name ?? '') : undefined;
  }

  private async work(): Promise<void> {
    for (;;) {
      const name = await this.queue.get();
      if (name === undefined || !this.running) return;
      try {
        const outcome = await this.sync(name);
        if (outcome === 'retry') {
          this.queue.addRateLimited(name);
        } else {
          this.queue.forget(name);
          if (outcome === 'refresh') this.queue.addAfter(name, REFRESH_MS);
        }
      } finally {
        this.queue.done(name);
      }
    }
  }

  private async sync(name: string): Promise<Outcome> {
    const apiService = this.apiServices.getCached('', name)?.object as APIService | undefined;
    if (!apiService?.spec?.service) {
      this.specs.delete(name);
      return 'idle';
    }
    // An unavailable server is not asked (upstream's proxy would answer 503 for it); the change
    // that makes it available brings it back here.
    if (!availableRemote(apiService)) return 'idle';
    const body = await this.fetch(apiService, '/openapi/v2');
    if (!body || !isJson(body)) {
      if (this.queue.retries(name) === 0) this.log?.('loading OpenAPI spec failed', { apiService: name });
      return 'retry';
    }
    this.specs.set(name, { body, etag: createHash('sha256').update(body).digest('hex') });
    return 'refresh';
  }
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
