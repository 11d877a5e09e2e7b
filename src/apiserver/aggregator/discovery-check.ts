// The discovery request of upstream's availability check: GET /apis/<group>/<version> from a ready
// endpoint as system:kube-aggregator in system:masters (so authorization can never be why it
// fails), a few attempts at once since each may pick a different endpoint; one 2xx answer is
// success (redirects are not followed). The body of a successful answer is the group-version's APIResourceList, which
// discovery merges. Failures are worded as upstream's.
import { request } from 'node:https';
import type { APIService } from '../../api/types/generated.js';
import type { PemPair } from '../../pki/certificates.js';
import { goNetworkError } from '../admission/webhook/client.js';
import type { ServiceResolver } from '../admission/webhook/client.js';
import { checkTls, endpointUrl, type Endpoint } from './backend.js';

const ATTEMPTS = 5;
const TIMEOUT_MS = 5000;

export type DiscoveryCheck = { ok: true; body: string } | { ok: false; error: string };

export async function checkDiscovery(apiService: APIService, resolve: ServiceResolver, client: PemPair): Promise<DiscoveryCheck> {
  const attempts = Array.from({ length: ATTEMPTS }, () => attempt(apiService, resolve, client));
  // Any success wins; otherwise the last failure to arrive is reported, as upstream reads its channel.
  return new Promise(done => {
    let failed = 0;
    for (const a of attempts) {
      void a.then(result => {
        if (result.ok) return done(result);
        if (++failed === ATTEMPTS) done(result);
      });
    }
  });
}

async function attempt(apiService: APIService, resolve: ServiceResolver, client: PemPair): Promise<DiscoveryCheck> {
  const spec = apiService.spec!;
  const svc = spec.service!;
  let endpoint: Endpoint;
  try {
    endpoint = resolve(svc.namespace ?? '', svc.name ?? '', svc.port ?? 443);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const path = apiService.metadata?.name === 'v1.' ? `/api/${spec.version}` : `/apis/${spec.group}/${spec.version}`;
  const url = endpointUrl(endpoint, path);
  const failing = (why: string): DiscoveryCheck => ({ ok: false, error: `failing or missing response from ${url}: ${why}` });
  return new Promise(done => {
    const req = request({
      host: endpoint.host, port: endpoint.port, path, method: 'GET', agent: false, ...checkTls(client),
      headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters', Accept: 'application/json' },
    }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', err => done(failing(`Get ${JSON.stringify(url)}: ${goNetworkError(err, endpoint)}`)));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) return done(failing(`bad status from ${url}: ${code}`));
        done({ ok: true, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new ClientTimeout()));
    req.on('error', err => done(failing(`Get ${JSON.stringify(url)}: ${err instanceof ClientTimeout ? err.message : goNetworkError(err, endpoint)}`)));
    req.end();
  });
}

/** Go's http.Client timeout, in its words. */
class ClientTimeout extends Error {
  constructor() {
    super('context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
  }
}
