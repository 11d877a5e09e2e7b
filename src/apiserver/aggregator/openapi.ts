// Reaching the aggregated APIs' OpenAPI documents, as upstream's aggregation controllers do: GETs
// to an extension server (as system:kube-aggregator, over the same verified TLS as proxied
// requests), which openapi-downloads.ts makes in the background for /openapi/v2 and the
// /openapi/v3 index, and which a request for a group-version's v3 document is passed on as (that
// document is its server's own). An in-process API behind its local APIService (the metrics API)
// publishes its own documents.
import { request } from 'node:https';
import type { APIService } from '../../api/types/generated.js';
import type { PemPair } from '../../pki/certificates.js';
import type { ServiceResolver } from '../admission/webhook/client.js';
import { proxyTls } from './backend.js';
import { v3Hash } from '../../api/openapi-docs.js';
import type { InProcessAPI } from './aggregator.js';
import { inProcessServerOf } from './local-apiservices.js';
import type { IndexEntry } from './openapi-downloads.js';

const TIMEOUT_MS = 5000;

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

  /** The /openapi/v3 index entry of an in-process API's group-version behind the local APIService. */
  inProcessIndexEntry(apiService: APIService): IndexEntry | undefined {
    const doc = inProcessServerOf(apiService, this.inProcess)?.openapi?.v3();
    const key = `apis/${apiService.spec?.group}/${apiService.spec?.version}`;
    return doc && { serverRelativeURL: `/openapi/v3/${key}?hash=${v3Hash(doc)}` };
  }

  /** The APIService's server's document for its group-version (an in-process API's own). */
  document(apiService: APIService, search: string): Promise<Buffer | undefined> {
    const local = inProcessServerOf(apiService, this.inProcess);
    if (local) return Promise.resolve(local.openapi?.v3());
    return this.fetch(apiService, `/openapi/v3/apis/${apiService.spec!.group}/${apiService.spec!.version}${search}`);
  }
}
