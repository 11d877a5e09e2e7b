// Each aggregated server's /openapi/v2 document and its entry in its own /openapi/v3 index, held
// in memory, as upstream's v2 and v3 OpenAPI aggregation controllers keep them: a Service-backed
// APIService's are downloaded in the background when the APIService changes (becoming Available is
// a change) and again a minute after each download, with backoff after a failure. /openapi/v2 and
// the /openapi/v3 index are served from what is held here and so never wait on, nor fail with, an
// extension server; a server that stops answering keeps what it last gave.
import { createHash } from 'node:crypto';
import type { APIService } from '../../api/types/generated.js';
import { runQueueWorker, type SyncResult } from '../../client/queue-worker.js';
import { WorkQueue } from '../../client/work-queue.js';
import type { JsonValue } from '../patch/json.js';
import type { Registry } from '../registry/registry.js';
import { availableRemote } from './availability.js';

/** How long a downloaded document is used before it is downloaded again (upstream's successfulUpdateDelay). */
const REFRESH_MS = 60_000;
/** The first retry after a failed download; the backoff doubles up to REFRESH_MS. */
const RETRY_MS = 1000;

/**
 * One extension server's /openapi/v2 as last downloaded, parsed once here (the merge reads it
 * whenever another document changes, never changing it); `etag` names the bytes it came from.
 */
export interface DownloadedSpec {
  document: JsonValue;
  etag: string;
}

/** An /openapi/v3 index entry: where the group-version's document is, with its hash. */
export type IndexEntry = { serverRelativeURL: string };

/** GETs `path` from the APIService's server; undefined unless it answers 200. */
export type BackendFetch = (apiService: APIService, path: string) => Promise<Buffer | undefined>;

export class OpenAPIDownloads {
  /** By APIService name. */
  private readonly held = new Map<string, { v2?: DownloadedSpec; v3?: IndexEntry }>();
  private readonly queue = new WorkQueue<string>({ baseDelayMs: RETRY_MS, maxDelayMs: REFRESH_MS });
  private unsubscribe?: () => void;

  constructor(
    private readonly registry: Registry,
    private readonly fetch: BackendFetch,
    private readonly log?: (msg: string, fields?: Record<string, unknown>) => void,
  ) {}

  private get apiServices() {
    return this.registry.get('apiregistration.k8s.io', 'apiservices');
  }

  start(): void {
    this.unsubscribe = this.apiServices.cache.subscribe(events => {
      for (const e of events) this.queue.add(e.current.object.metadata.name ?? '');
    });
    for (const { object } of this.apiServices.cache.list()) this.queue.add(object.metadata.name ?? '');
    void runQueueWorker(this.queue, name => this.sync(name),
      (name, err) => this.log?.('loading OpenAPI spec failed', { apiService: name, error: (err as Error).message }));
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.shutdown();
  }

  /** The held /openapi/v2 of an available Service-backed APIService. */
  v2Document(apiService: APIService): DownloadedSpec | undefined {
    return availableRemote(apiService) ? this.held.get(apiService.metadata?.name ?? '')?.v2 : undefined;
  }

  /** The held /openapi/v3 index entry of an available Service-backed APIService's group-version. */
  v3IndexEntry(apiService: APIService): IndexEntry | undefined {
    return availableRemote(apiService) ? this.held.get(apiService.metadata?.name ?? '')?.v3 : undefined;
  }

  /** A complete download is refreshed after REFRESH_MS; an incomplete one is retried with backoff. */
  private async sync(name: string): Promise<SyncResult | undefined> {
    const apiService = this.apiServices.getCached('', name)?.object as APIService | undefined;
    if (!apiService?.spec?.service) {
      this.held.delete(name);
      return undefined;
    }
    // An unavailable server is not asked (upstream's proxy would answer 503 for it); the change
    // that makes it available brings it back here.
    if (!availableRemote(apiService)) return undefined;
    const [v2, v3] = await Promise.all([this.fetch(apiService, '/openapi/v2'), this.fetch(apiService, '/openapi/v3')]);
    const held = this.held.get(name) ?? {};
    this.held.set(name, held);
    const document = v2 && parseJson(v2);
    if (v2 && document !== undefined) held.v2 = { document, etag: createHash('sha256').update(v2).digest('hex') };
    const entry = v3 && indexEntryOf(v3, `apis/${apiService.spec.group}/${apiService.spec.version}`);
    if (entry) held.v3 = entry;
    if (document !== undefined && entry) return { requeueAfterMs: REFRESH_MS };
    if (this.queue.retries(name) === 0) this.log?.('loading OpenAPI spec failed', { apiService: name, v2: !!held.v2, v3: !!held.v3 });
    return { requeue: true };
  }
}

/** The group-version's entry in a server's /openapi/v3 index, when the index is one and names it. */
function indexEntryOf(body: Buffer, key: string): IndexEntry | undefined {
  const index = parseJson(body) as { paths?: Record<string, IndexEntry> } | null | undefined;
  const url = index?.paths?.[key]?.serverRelativeURL;
  return typeof url === 'string' && url.startsWith(`/openapi/v3/${key}`) ? { serverRelativeURL: url } : undefined;
}

/** The body as JSON; undefined when it is none. */
function parseJson(body: Buffer): JsonValue | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as JsonValue;
  } catch {
    return undefined;
  }
}
