// OpenAPI v3 of the aggregated APIs, as upstream's v3 aggregation controller publishes it: the
// /openapi/v3 index lists each available Service-backed APIService's `apis/<group>/<version>` with
// its server's own hash, and that document is its server's, fetched when asked for (as
// system:kube-aggregator, over the same verified TLS as proxied requests). An in-process API
// behind its local APIService (the metrics API) is listed with its own document. For /openapi/v2 each
// server's Swagger document is downloaded in the background (openapi-v2-downloads.ts) and merged
// into the cluster's (openapi-v2-merge.ts).
import { request } from 'node:https';
import type { APIService } from '../../api/types/generated.js';
import type { PemPair } from '../../pki/certificates.js';
import type { ServiceResolver } from '../admission/webhook/client.js';
import { proxyTls } from './backend.js';
import { v3Hash } from '../../api/openapi-docs.js';
import type { InProcessAPI } from './aggregator.js';
import { availableRemote } from './availability.js';
import { inProcessServerOf } from './local-apiservices.js';

const TIMEOUT_MS = 5000;

type IndexEntry = { serverRelativeURL: string };

export class AggregatedOpenAPI {
  constructor(private readonly client: PemPair, private readonly resolve: ServiceResolver, private readonly inProcess: InProcessAPI[]) {}

  /** GET `path` from the APIService's server; undefined when it cannot answer 200. */
  fetch(apiService: APIService, path: string): Promise<Buffer | undefined> {
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
    for (const a of apiServices) {
      const doc = inProcessServerOf(a, this.inProcess)?.openapi?.v3();
      const key = `apis/${a.spec?.group}/${a.spec?.version}`;
      if (doc) out[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${v3Hash(doc)}` };
    }
    await Promise.all(apiServices.filter(availableRemote).map(async a => {
      const key = `apis/${a.spec!.group}/${a.spec!.version}`;
      const body = await this.fetch(a, '/openapi/v3');
      const entry = body && (parse(body) as { paths?: Record<string, IndexEntry> } | undefined)?.paths?.[key];
      if (entry?.serverRelativeURL?.startsWith(`/openapi/v3/${key}`)) out[key] = { serverRelativeURL: entry.serverRelativeURL };
    }));
    return out;
  }

  /** The APIService's server's document for its group-version (an in-process API's own). */
  document(apiService: APIService, search: string): Promise<Buffer | undefined> {
    const local = inProcessServerOf(apiService, this.inProcess);
    if (local) return Promise.resolve(local.openapi?.v3());
    return this.fetch(apiService, `/openapi/v3/apis/${apiService.spec!.group}/${apiService.spec!.version}${search}`);
  }
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
