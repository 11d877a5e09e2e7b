// A webhook server for tests: HTTPS on 127.0.0.1 with a certificate from a CA made for it, one
// handler per path. A handler answers an AdmissionReview's response (the review's uid and kind
// are filled in), or 'hang' to never answer (a webhook that times out).
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { ResourceCatalog } from '../../../api/catalog.js';
import type { Defaulter } from '../../../api/defaults/types.js';
import type { KubeObject } from '../../../api/object.js';
import { createCA, issueCertificate } from '../../../pki/certificates.js';
import { systemContext, type RequestContext } from '../../context.js';
import type { AdmissionAttributes } from '../types.js';
import type { MatchConditions, WebhookSources } from './dispatch.js';
import { celMatchConditions } from './match-conditions.js';
import { namespaceLabelsFrom } from './matching.js';
import { endpointSliceResolver } from './service-resolver.js';

export type ReviewHandler = (request: Record<string, any>) => Record<string, unknown> | 'hang';

export interface TestWebhookServer {
  /** https://127.0.0.1:<port><path> */
  url(path: string): string;
  port: number;
  /** The CA, base64 PEM, as clientConfig.caBundle wants it. */
  caBundle: string;
  /** Every review received, in order, with the path it came to. */
  received: { path: string; review: Record<string, any> }[];
  close(): Promise<void>;
}

export async function startTestWebhookServer(handlers: Record<string, ReviewHandler>, dnsNames: string[] = []): Promise<TestWebhookServer> {
  const ca = await createCA('k8ts-test-webhook-ca');
  const leaf = await issueCertificate(ca, { commonName: 'webhook', dnsNames, ipAddresses: ['127.0.0.1'], usage: 'server' });
  const received: TestWebhookServer['received'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push({ path, review });
      const handler = handlers[path];
      if (!handler) {
        res.writeHead(404).end('no handler');
        return;
      }
      const response = handler(review.request);
      if (response === 'hang') return;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, ...response } }));
    });
  });
  server.on('secureConnection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: path => `https://127.0.0.1:${port}${path}`,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/** A JSON patch as a webhook response carries it. */
export function jsonPatchResponse(ops: unknown[]): Record<string, unknown> {
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}

/** Sources over in-memory objects: configurations, namespaces, Services and EndpointSlices. */
export function memorySources(state: {
  configurations: KubeObject[];
  namespaces?: Record<string, Record<string, string>>;
  services?: KubeObject[];
  endpointSlices?: KubeObject[];
  defaults?: Record<string, Defaulter>;
  matchConditions?: MatchConditions;
}): WebhookSources {
  return {
    catalog: ResourceCatalog.shared(),
    configurations: () => state.configurations,
    namespaceLabels: namespaceLabelsFrom(name => {
      const labels = state.namespaces?.[name];
      return labels ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } : undefined;
    }),
    resolveService: endpointSliceResolver({
      service: (ns, name) => state.services?.find(s => s.metadata.namespace === ns && s.metadata.name === name),
      endpointSlices: ns => (state.endpointSlices ?? []).filter(s => s.metadata.namespace === ns),
    }),
    defaults: r => state.defaults?.[`${r.group}/${r.version}/${r.resource}`],
    matchConditions: state.matchConditions ?? celMatchConditions(() => ({ decision: 'allow', reason: '' })),
  };
}

/** Attributes of a request on a resource the catalog serves. */
export function attributes(group: string, version: string, resource: string, a: Partial<AdmissionAttributes> & Pick<AdmissionAttributes, 'operation'>, ctx: Partial<RequestContext> = {}): AdmissionAttributes {
  const info = ResourceCatalog.shared().find(group, version, resource);
  if (!info) throw new Error(`no resource ${group}/${version}/${resource}`);
  return {
    resource: info, namespace: '', name: '', subresource: '', ...a,
    ctx: { ...systemContext('alice'), user: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'] }, ...ctx },
  };
}
