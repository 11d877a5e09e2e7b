// A small extension API server, our counterpart of upstream's sample-apiserver, for trying API
// aggregation and as a reference: it serves the group echo.k8ts.io/v1 (discovery, and one read-only
// cluster-scoped resource `echoes` whose one object, `you`, says who called), and it trusts exactly
// what kube-system/extension-apiserver-authentication tells it to: a front proxy's client
// certificate from the requestheader CA naming the user in X-Remote-* headers. Anything else is a
// 401. It does no authorization of its own (upstream's asks the cluster with SubjectAccessReviews).
// `echoes` can be watched (the object, then nothing until the client leaves), and
// `echoes/<name>/stream` takes an HTTP upgrade and echoes bytes back, to show streams pass through.
// Its OpenAPI v3 and v2 documents describe Echo, for `kubectl explain`.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { RequestHeaderAuthenticator, type ProxiedUser } from '../api/request-header.js';
import type { ConfigMap } from '../api/types/generated.js';
import type { RestClient } from '../client/rest-client.js';
import { listenHttps } from '../util/listen.js';

export const ECHO_GROUP = 'echo.k8ts.io';
export const ECHO_VERSION = 'v1';
const GV = `${ECHO_GROUP}/${ECHO_VERSION}`;
const BASE = `/apis/${GV}`;

const RESOURCES = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GV,
  resources: [
    { name: 'echoes', singularName: 'echo', namespaced: false, kind: 'Echo', verbs: ['get', 'list', 'watch'] },
    { name: 'echoes/stream', singularName: '', namespaced: false, kind: 'Echo', verbs: ['create'] },
  ],
};
/** Where each document keeps its schemas: OpenAPI v3 components, Swagger 2.0 definitions. */
type SchemaRoot = '#/components/schemas/' | '#/definitions/';

/** A GET operation as the API server's own documents describe one (kubectl finds resources by these extensions). */
function operation(action: string, description: string, kind: string, root: SchemaRoot) {
  const schema = { $ref: `${root}io.k8ts.echo.v1.${kind}` };
  const gvk = { group: ECHO_GROUP, version: ECHO_VERSION, kind: 'Echo' };
  if (root === '#/definitions/') {
    return { description, produces: ['application/json'], 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: { 200: { description: 'OK', schema } } };
  }
  return { description, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: { 200: { description: 'OK', content: { 'application/json': { schema } } } } };
}

function paths(root: SchemaRoot) {
  return {
    [`${BASE}/echoes`]: { get: operation('list', 'list Echoes: the one echo, of the caller', 'EchoList', root) },
    [`${BASE}/echoes/{name}`]: { get: operation('get', 'read an Echo of the caller', 'Echo', root) },
  };
}

/** Echo and EchoList, with references under `root`. */
function schemas(root: SchemaRoot) {
  return {
    'io.k8ts.echo.v1.Echo': {
      type: 'object', description: 'Echo names who called: the user the API server\'s front proxy passed on.',
      properties: {
        apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
        kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
        metadata: { type: 'object', description: "Standard object's metadata." },
        spec: {
          type: 'object', description: 'The caller.',
          properties: {
            user: { type: 'string', description: 'The user name from X-Remote-User.' },
            groups: { type: 'array', items: { type: 'string' }, description: 'The groups from X-Remote-Group.' },
            extra: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, description: 'Extra attributes from X-Remote-Extra-* headers.' },
          },
        },
      },
      'x-kubernetes-group-version-kind': [{ group: ECHO_GROUP, version: ECHO_VERSION, kind: 'Echo' }],
    },
    'io.k8ts.echo.v1.EchoList': {
      type: 'object', description: 'A list of Echoes.',
      properties: { items: { type: 'array', items: { $ref: `${root}io.k8ts.echo.v1.Echo` } } },
      'x-kubernetes-group-version-kind': [{ group: ECHO_GROUP, version: ECHO_VERSION, kind: 'EchoList' }],
    },
  };
}

/** The OpenAPI v3 document of echo.k8ts.io/v1 (what `kubectl explain echoes` reads through the aggregator). */
const OPENAPI = JSON.stringify({
  openapi: '3.0.0',
  info: { title: ECHO_GROUP, version: ECHO_VERSION },
  paths: paths('#/components/schemas/'),
  components: { schemas: schemas('#/components/schemas/') },
});
/** The same in Swagger 2.0, which the aggregator merges into the cluster's /openapi/v2. */
const OPENAPI_V2 = JSON.stringify({
  swagger: '2.0',
  info: { title: ECHO_GROUP, version: ECHO_VERSION },
  paths: paths('#/definitions/'),
  definitions: schemas('#/definitions/'),
});
const OPENAPI_HASH = createHash('sha512').update(OPENAPI).digest('hex').toUpperCase();

const GROUP = { name: ECHO_GROUP, versions: [{ groupVersion: GV, version: ECHO_VERSION }], preferredVersion: { groupVersion: GV, version: ECHO_VERSION } };

/** Reads the requestheader settings the cluster publishes for extension API servers. */
export async function loadRequestHeaderConfig(client: RestClient): Promise<RequestHeaderAuthenticator> {
  const cm = await client.request<ConfigMap>('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
  const data = cm.data ?? {};
  const list = (key: string): string[] => (data[key] ? JSON.parse(data[key]) as string[] : []);
  if (!data['requestheader-client-ca-file']) throw new Error('extension-apiserver-authentication has no requestheader-client-ca-file');
  return new RequestHeaderAuthenticator({
    caPem: data['requestheader-client-ca-file'], allowedNames: list('requestheader-allowed-names'),
    usernameHeaders: list('requestheader-username-headers'), groupHeaders: list('requestheader-group-headers'),
    extraHeaderPrefixes: list('requestheader-extra-headers-prefix'),
  });
}

export interface SampleServerOptions {
  cert: string;
  key: string;
  port: number;
  bindAddress: string;
  requestHeader: RequestHeaderAuthenticator;
}

export async function startSampleApiServer(o: SampleServerOptions): Promise<{ server: Server; port: number }> {
  const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return listenHttps({ cert: o.cert, key: o.key, ca: o.requestHeader.config.caPem, requestCert: true, rejectUnauthorized: false },
    o.port, o.bindAddress,
    (req, res) => serve(req, res, o.requestHeader, started),
    (req, socket) => upgrade(req, socket, o.requestHeader));
}

/** The caller, when a trusted front proxy named one. */
function caller(req: IncomingMessage, rh: RequestHeaderAuthenticator): ProxiedUser | undefined {
  const socket = req.socket as TLSSocket;
  const peer = socket.getPeerCertificate();
  if (!socket.authorized || !peer?.raw || !rh.issued(peer.raw)) return undefined;
  const cn = (peer.subject as unknown as Record<string, unknown>).CN;
  if (!rh.allows(typeof cn === 'string' ? cn : '')) return undefined;
  return rh.user(req.headersDistinct);
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
}

function echo(name: string, user: ProxiedUser, created: string) {
  return {
    apiVersion: GV, kind: 'Echo', metadata: { name, creationTimestamp: created },
    spec: { user: user.username, groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) },
  };
}

/** kubectl asks for a Table; the columns say who called. */
function table(items: ReturnType<typeof echo>[]) {
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {},
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name of the echo', priority: 0 },
      { name: 'User', type: 'string', format: '', description: 'Who called, as the front proxy named them', priority: 0 },
      { name: 'Groups', type: 'string', format: '', description: "The caller's groups", priority: 0 },
    ],
    rows: items.map(i => ({ cells: [i.metadata.name, i.spec.user, i.spec.groups.join(',')], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: i.metadata } })),
  };
}

function serve(req: IncomingMessage, res: ServerResponse, rh: RequestHeaderAuthenticator, started: string): void {
  const user = caller(req, rh);
  if (!user) return status(res, 401, 'Unauthorized', 'Unauthorized');
  const url = new URL(req.url ?? '/', 'https://sample');
  const path = url.pathname.replace(/\/$/, '');
  if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  if (path === '/apis') return sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [GROUP] });
  if (path === `/apis/${ECHO_GROUP}`) return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...GROUP });
  if (path === BASE) return sendJson(res, 200, RESOURCES);
  if (path === '/healthz' || path === '/readyz' || path === '/livez') return sendJson(res, 200, 'ok');
  if (path === '/openapi/v3') return sendJson(res, 200, { paths: { [`apis/${GV}`]: { serverRelativeURL: `/openapi/v3/apis/${GV}?hash=${OPENAPI_HASH}` } } });
  if (path === `/openapi/v3/apis/${GV}`) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(OPENAPI);
    return;
  }
  if (path === '/openapi/v2') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(OPENAPI_V2);
    return;
  }
  const asTable = /as=Table/.test(String(req.headers.accept ?? ''));
  if (path === `${BASE}/echoes`) {
    const item = echo('you', user, started);
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.write(JSON.stringify({ type: 'ADDED', object: asTable ? table([item]) : item }) + '\n');
      return;
    }
    if (asTable) return sendJson(res, 200, table([item]), 'application/json;as=Table;v=v1;g=meta.k8s.io');
    return sendJson(res, 200, { apiVersion: GV, kind: 'EchoList', metadata: { resourceVersion: '1' }, items: [item] });
  }
  const one = new RegExp(`^${BASE}/echoes/([^/]+)$`).exec(path);
  if (one) {
    const item = echo(decodeURIComponent(one[1]), user, started);
    return asTable ? sendJson(res, 200, table([item]), 'application/json;as=Table;v=v1;g=meta.k8s.io') : sendJson(res, 200, item);
  }
  status(res, 404, 'NotFound', 'the server could not find the requested resource');
}

/** `echoes/<name>/stream` upgraded: every byte comes back. */
function upgrade(req: IncomingMessage, socket: Duplex, rh: RequestHeaderAuthenticator): void {
  socket.on('error', () => socket.destroy());
  const ok = caller(req, rh) && new RegExp(`^${BASE}/echoes/[^/]+/stream$`).test(new URL(req.url ?? '/', 'https://sample').pathname);
  if (!ok) {
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade ?? 'echo'}\r\n\r\n`);
  socket.pipe(socket);
}
