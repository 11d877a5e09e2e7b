// OpenAPI v3 of the aggregated APIs, as upstream's v3 aggregation controller publishes it: the
// /openapi/v3 index lists each available Service-backed APIService's `apis/<group>/<version>` with
// its server's own hash, and that document is its server's, fetched when asked for (as
// system:kube-aggregator, over the same verified TLS as proxied requests). For /openapi/v2 each
// server's Swagger document is downloaded (again after a minute, or when its APIService changes)
// and merged into the cluster's (openapi-v2-merge.ts).
import { createHash } from 'node:crypto';
import { request } from 'node:https';
import { isTrue } from '../../api/conditions.js';
import type { APIService } from '../../api/types/generated.js';
import type { PemPair } from '../../pki/certificates.js';
import type { ServiceResolver } from '../admission/webhook/client.js';
import { proxyTls } from './backend.js';

const TIMEOUT_MS = 5000;

/** How long a server's /openapi/v2 is used before it is asked again (upstream's controller re-downloads every minute). */
const V2_REFRESH_MS = 60_000;

/** One extension server's /openapi/v2 as last downloaded; `etag` names its content. */
export interface DownloadedSpec {
  body: Buffer;
  etag: string;
}

type IndexEntry = { serverRelativeURL: string };

export class AggregatedOpenAPI {
  /** Downloaded /openapi/v2 documents by APIService name, with the APIService version they are of. */
  private readonly v2 = new Map<string, DownloadedSpec & { resourceVersion: string; fetched: number }>();

  constructor(private readonly client: PemPair, private readonly resolve: ServiceResolver) {}

  /** GET `path` from the APIService's server; undefined when it cannot answer 200. */
  private fetch(apiService: APIService, path: string): Promise<Buffer | undefined> {
    const ref = apiService.spec!.service!;
    let endpoint: { host: string; port: number };
    try {
      endpoint = this.resolve(ref.namespace ?? '', ref.name ?? '', ref.port ?? 443);
    } catch {
      return Promise.resolve(undefined);
    }
    return new Promise(done => {
      const req = request({
        host: endpoint.host, port: endpoint.port, path, method: 'GET', agent: false, ...proxyTls(apiService.spec!, this.client),
        headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters', Accept: 'application/json' },
      }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => done(undefined));
        res.on('end', () => done(res.statusCode === 200 ? Buffer.concat(chunks) : undefined));
      });
      req.setTimeout(TIMEOUT_MS, () => req.destroy());
      req.on('error', () => done(undefined));
      req.end();
    });
  }

  /** Each available APIService's entry in its server's own index, keyed `apis/<group>/<version>`. */
  async index(apiServices: APIService[]): Promise<Record<string, IndexEntry>> {
    const out: Record<string, IndexEntry> = {};
    await Promise.all(apiServices.filter(availableRemote).map(async a => {
      const key = `apis/${a.spec!.group}/${a.spec!.version}`;
      const body = await this.fetch(a, '/openapi/v3');
      const entry = body && (parse(body) as { paths?: Record<string, IndexEntry> } | undefined)?.paths?.[key];
      if (entry?.serverRelativeURL?.startsWith(`/openapi/v3/${key}`)) out[key] = { serverRelativeURL: entry.serverRelativeURL };
    }));
    return out;
  }

  /**
   * The /openapi/v2 of each available Service-backed APIService, in the order given. A server that
   * cannot answer keeps its last document (upstream serves the last good spec); one never
   * downloaded is left out.
   */
  async specsV2(apiServices: APIService[]): Promise<DownloadedSpec[]> {
    const present = new Set(apiServices.map(a => a.metadata?.name ?? ''));
    for (const name of this.v2.keys()) if (!present.has(name)) this.v2.delete(name);
    const specs = await Promise.all(apiServices.filter(availableRemote).map(a => this.specV2(a)));
    return specs.filter((s): s is DownloadedSpec => s !== undefined);
  }

  /** The APIService's server's /openapi/v2, downloaded at most once a minute. */
  private async specV2(apiService: APIService): Promise<DownloadedSpec | undefined> {
    const name = apiService.metadata?.name ?? '';
    const resourceVersion = apiService.metadata?.resourceVersion ?? '';
    const known = this.v2.get(name);
    if (known && known.resourceVersion === resourceVersion && Date.now() - known.fetched < V2_REFRESH_MS) return known;
    const body = await this.fetch(apiService, '/openapi/v2');
    if (!body || !parse(body)) return known;
    const etag = createHash('sha256').update(body).digest('hex');
    const spec = { body, etag, resourceVersion, fetched: Date.now() };
    this.v2.set(name, spec);
    return spec;
  }

  /** The APIService's server's document for its group-version. */
  document(apiService: APIService, search: string): Promise<Buffer | undefined> {
    return this.fetch(apiService, `/openapi/v3/apis/${apiService.spec!.group}/${apiService.spec!.version}${search}`);
  }
}

/** A Service-backed APIService whose server answered its availability check: one whose documents are published. */
function availableRemote(a: APIService): boolean {
  return !!a.spec?.service && isTrue(a.status?.conditions, 'Available');
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
