// Non-resource endpoints: health, version, metrics, discovery and OpenAPI documents.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../../api/errors.js';
import { openapiGeneration, openapiV2, openapiV3Document, openapiV3Index } from '../../api/openapi-docs.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery } from '../discovery.js';
import { aggregatedAPIGroup, withAggregatedDiscovery, withAggregatedGroups, type AggregatedGroup } from '../aggregator/discovery.js';
import { parseAccept } from '../http/negotiate.js';
import { sendJson } from '../http/respond.js';
import { encodeOpenApiV2Document } from '../protobuf/openapi-v2.js';
import { serveMetrics, type Registry } from '../../metrics/registry.js';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-k8ts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-23T00:00:00Z',
  goVersion: 'node' + process.versions.node,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export interface HealthSource {
  ready(): boolean;
}

/** `aggregated`: the groups extension API servers serve, merged into /apis and served at /apis/<group>. */
export function handleNonResource(req: IncomingMessage, res: ServerResponse, path: string, serverAddress: string, health: HealthSource, metrics: Registry, aggregated: () => AggregatedGroup[] = () => []): void {
  if (path === '/healthz' || path === '/livez' || path === '/readyz' || /^\/(healthz|livez|readyz)\/.+/.test(path)) {
    const ok = !path.startsWith('/readyz') || health.ready();
    res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(ok ? 'ok' : '[-]storage not ready\nreadyz check failed');
    return;
  }
  if (path === '/version') return sendJson(res, 200, VERSION_INFO);
  if (path === '/metrics') return void serveMetrics(res, metrics);
  if (path === '/openapi/v2') return serveOpenApiV2(req, res, { key: `local|${openapiGeneration()}`, json: openapiV2 });
  if (path === '/openapi/v3') return sendJson(res, 200, openapiV3Index());
  if (path.startsWith('/openapi/v3/')) {
    const doc = openapiV3Document(path.slice('/openapi/v3/'.length));
    if (!doc) throw resourceNotFound();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, immutable' });
    res.end(doc);
    return;
  }
  if (path === '/api' || path === '/apis') {
    const wanted = negotiateDiscovery(req.headers.accept ?? '');
    if (wanted) {
      const doc = path === '/api' ? aggregatedDiscovery('api', wanted) : withAggregatedDiscovery(aggregatedDiscovery('apis', wanted), aggregated());
      res.writeHead(200, { 'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${wanted};as=APIGroupDiscoveryList` });
      res.end(JSON.stringify(doc));
      return;
    }
    return sendJson(res, 200, path === '/api' ? apiVersions(serverAddress) : withAggregatedGroups(apiGroupList(), aggregated()));
  }
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2) return sendDiscovery(res, apiResourceList('', parts[1]));
  if (parts[0] === 'apis' && parts.length === 2) {
    const remote = aggregated().find(g => g.name === parts[1]);
    return sendDiscovery(res, remote ? aggregatedAPIGroup(remote) : apiGroup(parts[1]));
  }
  if (parts[0] === 'apis' && parts.length === 3) return sendDiscovery(res, apiResourceList(parts[1], parts[2]));
  throw resourceNotFound();
}

/**
 * What client-go's DiscoveryClient.OpenAPISchema() asks for. The answer is labelled with the
 * `.v1.0` spelling, as upstream's, since `@` is no token character and Go's mime parser (which
 * client-go runs on Content-Type) refuses it.
 */
const OPENAPI_V2_PROTOBUF_ACCEPTED = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];
const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

interface CachedBody {
  body: Buffer;
  etag: string;
}

/** A Swagger 2.0 document to serve (the cluster's, or with extension servers' merged in); `key` changes whenever it does. */
export interface OpenApiV2Source {
  key: string;
  json(): Buffer;
}

let openApiV2Json: CachedBody | undefined;
let openApiV2Protobuf: CachedBody | undefined;
/** The document the cached encodings are of. */
let openApiV2Key: string | undefined;

function cachedBody(body: Buffer): CachedBody {
  return { body, etag: `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"` };
}

/**
 * /openapi/v2 as JSON or, for a client that asks for it first, gnostic's protobuf Document (built
 * on first request and kept). Like upstream: the first Accept entry that either encoding satisfies
 * wins, an ETag per body answers If-None-Match with 304, and nothing acceptable is a bare 406.
 */
export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse, doc: OpenApiV2Source): void {
  if (openApiV2Key !== doc.key) {
    openApiV2Json = openApiV2Protobuf = undefined;
    openApiV2Key = doc.key;
  }
  let chosen: { type: string; cached: () => CachedBody } | undefined;
  for (const { type } of parseAccept(req.headers.accept)) {
    if (OPENAPI_V2_PROTOBUF_ACCEPTED.includes(type)) {
      chosen = { type: OPENAPI_V2_PROTOBUF_CONTENT_TYPE, cached: () => (openApiV2Protobuf ??= cachedBody(encodeOpenApiV2Document(JSON.parse(doc.json().toString('utf8'))))) };
      break;
    }
    if (type === 'application/json' || type === 'application/*' || type === '*/*') {
      chosen = { type: 'application/json', cached: () => (openApiV2Json ??= cachedBody(doc.json())) };
      break;
    }
  }
  if (!chosen) {
    res.writeHead(406, { Vary: 'Accept' });
    res.end();
    return;
  }
  const { body, etag } = chosen.cached();
  const headers = { 'Content-Type': chosen.type, ETag: etag, Vary: 'Accept' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, headers);
  res.end(body);
}

function sendDiscovery(res: ServerResponse, body: unknown): void {
  if (!body) throw resourceNotFound();
  sendJson(res, 200, body);
}

/** Upstream's answer for a path no handler serves. */
export function resourceNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}
