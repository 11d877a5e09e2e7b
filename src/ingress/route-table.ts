// The ingress controller's decisions, as a pure function: from the Ingresses of our class and the
// Services, EndpointSlices and TLS Secrets they name, the virtual hosts (exact and `*.` wildcard
// names, plus the catch-all for requests naming no known host), each with its routes in match
// order and its fallback backend, the certificates by server name, and the problems to report.
// The proxy only looks things up in the result (findRoute, findCertificate).
//
// Semantics follow the Ingress spec and ingress-nginx where the spec leaves room:
// - Ingresses are read oldest first (creationTimestamp, then namespace/name); for the same host and
//   path, or the same TLS host, the oldest Ingress wins.
// - Rules without a host go to the catch-all host. Paths of every Ingress naming a host are merged.
// - A host's fallback (no path matched) is the defaultBackend of the oldest Ingress with rules for
//   that host and a defaultBackend; the catch-all's is the oldest Ingress's defaultBackend, one with
//   no rules preferred (ingress-nginx's special "catch all" case). No fallback: 404.
// - A backend whose Service, port or ready endpoints are missing still owns its paths: requests
//   there get 503 with the reason, never another route.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { INGRESS_CLASS_NAME, INGRESS_CONTROLLER, LEGACY_INGRESS_CLASS_ANNOTATION } from '../api/ingress-class.js';
import type { HTTPIngressPath, IngressBackend, ServicePort } from '../api/types/generated.js';
import type { EndpointSliceObject, IngressObject, SecretObject, ServiceObject } from './types.js';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface BackendEndpoint {
  /** An IP address, or the DNS name of an ExternalName Service. */
  host: string;
  port: number;
}

export interface Backend {
  /** `namespace/service:port`: names the backend in responses and keys its round-robin turn. */
  id: string;
  /** Ready endpoints, in a stable order. */
  endpoints: BackendEndpoint[];
  /** Why there is no endpoint, for the 503 body. */
  unavailable?: string;
}

export type MatchType = 'Exact' | 'Prefix';

export interface Route {
  /** For Prefix, without trailing slashes ("/" is ""). */
  path: string;
  type: MatchType;
  backend: Backend;
  /** `namespace/name` of the Ingress the route comes from. */
  ingress: string;
}

export interface VirtualHost {
  /** In match order: longest path first, Exact before Prefix at equal length. */
  routes: Route[];
  fallback?: Backend;
}

export interface TlsCertificate {
  /** `namespace/name` of the Secret. */
  secret: string;
  /** Changes whenever the Secret does (its uid and resourceVersion). */
  version: string;
  cert: string;
  key: string;
}

export interface Problem {
  ingress: IngressObject;
  reason: 'ServiceNotFound' | 'ServicePortNotFound' | 'UnsupportedBackend' | 'SecretNotFound' | 'InvalidSecret';
  message: string;
}

export interface RouteTable {
  /** Exact host names and `*.suffix` wildcards. */
  hosts: Map<string, VirtualHost>;
  catchAll: VirtualHost;
  /** Certificates by exact server name and `*.suffix` wildcard. */
  certificates: Map<string, TlsCertificate>;
  /** From a spec.tls entry without hosts: served to clients naming no known server. */
  defaultCertificate?: TlsCertificate;
  problems: Problem[];
}

export interface RouteInputs {
  ingresses: IngressObject[];
  /** The IngressClasses, to recognise classes other than `k8ts` that name our controller. */
  ingressClasses: { metadata: { name?: string }; spec?: { controller?: string } }[];
  services: ServiceObject[];
  endpointSlices: EndpointSliceObject[];
  /** Secrets of type kubernetes.io/tls. */
  secrets: SecretObject[];
}

/**
 * Whether an Ingress is ours: it names no class (we are the default), our class, or another class
 * whose controller is ours. The legacy annotation counts as naming a class.
 */
export function isOurs(ing: IngressObject, ourClasses: ReadonlySet<string>): boolean {
  const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_INGRESS_CLASS_ANNOTATION];
  return !cls || ourClasses.has(cls);
}

export function ourClassNames(classes: RouteInputs['ingressClasses']): Set<string> {
  const names = new Set([INGRESS_CLASS_NAME]);
  for (const c of classes) if (c.spec?.controller === INGRESS_CONTROLLER && c.metadata.name) names.add(c.metadata.name);
  return names;
}

export function buildRouteTable(input: RouteInputs): RouteTable {
  const ours = ourClassNames(input.ingressClasses);
  const ingresses = input.ingresses.filter(i => isOurs(i, ours) && !i.metadata.deletionTimestamp).sort(oldestFirst);
  const services = byKey(input.services, s => `${s.metadata.namespace}/${s.metadata.name}`);
  const slices = new Map<string, EndpointSliceObject[]>();
  for (const s of input.endpointSlices) {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const key = `${s.metadata.namespace}/${svc}`;
    slices.set(key, [...(slices.get(key) ?? []), s]);
  }
  const secrets = byKey(input.secrets, s => `${s.metadata.namespace}/${s.metadata.name}`);

  const table: RouteTable = { hosts: new Map(), catchAll: { routes: [] }, certificates: new Map(), problems: [] };
  const reported = new Set<string>();
  const problem = (ingress: IngressObject, reason: Problem['reason'], message: string) => {
    const key = `${ingress.metadata.uid}|${reason}|${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    table.problems.push({ ingress, reason, message });
  };
  const backends = new Map<string, Resolved>();
  const backendOf = (ing: IngressObject, b: IngressBackend): Backend => {
    const ns = ing.metadata.namespace ?? 'default';
    if (!b.service) {
      const what = b.resource ? `${b.resource.kind} ${b.resource.name}` : 'an empty backend';
      problem(ing, 'UnsupportedBackend', `backend ${what} is not a Service; the k8ts ingress controller serves Service backends only`);
      return { id: `${ns}/${what}`, endpoints: [], unavailable: `backend ${what} is not a Service` };
    }
    const port = b.service.port?.name ?? String(b.service.port?.number ?? '');
    const id = `${ns}/${b.service.name}:${port}`;
    let resolved = backends.get(id);
    if (!resolved) {
      resolved = resolveBackend(id, services.get(`${ns}/${b.service.name}`), slices.get(`${ns}/${b.service.name}`) ?? [], b.service.port ?? {}, ns, b.service.name);
      backends.set(id, resolved);
    }
    if (resolved.problem) problem(ing, resolved.problem, resolved.backend.unavailable!);
    return resolved.backend;
  };

  const seenPaths = new Map<VirtualHost, Set<string>>();
  const fallbackSet = new Set<VirtualHost>();
  const hostOf = (name: string | undefined): VirtualHost => {
    if (!name) return table.catchAll;
    const host = name.toLowerCase();
    let vh = table.hosts.get(host);
    if (!vh) table.hosts.set(host, (vh = { routes: [] }));
    return vh;
  };
  for (const ing of ingresses) {
    const key = `${ing.metadata.namespace}/${ing.metadata.name}`;
    const spec = ing.spec ?? {};
    const fallback = spec.defaultBackend ? backendOf(ing, spec.defaultBackend) : undefined;
    for (const rule of spec.rules ?? []) {
      const vh = hostOf(rule.host);
      if (fallback && rule.host && !fallbackSet.has(vh)) {
        vh.fallback = fallback;
        fallbackSet.add(vh);
      }
      let seen = seenPaths.get(vh);
      if (!seen) seenPaths.set(vh, (seen = new Set()));
      for (const p of rule.http?.paths ?? []) {
        const { path, type } = matchOf(p);
        if (seen.has(`${type} ${path}`)) continue;
        seen.add(`${type} ${path}`);
        vh.routes.push({ path, type, backend: backendOf(ing, p.backend), ingress: key });
      }
    }
  }
  // The catch-all's fallback: an Ingress with a default backend and no rules first, else any.
  const catchAllSource = ingresses.find(i => i.spec?.defaultBackend && !i.spec.rules?.length) ?? ingresses.find(i => i.spec?.defaultBackend);
  if (catchAllSource) table.catchAll.fallback = backendOf(catchAllSource, catchAllSource.spec!.defaultBackend!);
  for (const vh of [table.catchAll, ...table.hosts.values()]) vh.routes.sort(precedence);

  for (const ing of ingresses) {
    const ns = ing.metadata.namespace ?? 'default';
    for (const tls of ing.spec?.tls ?? []) {
      if (!tls.secretName) continue;
      const secretKey = `${ns}/${tls.secretName}`;
      const secret = secrets.get(secretKey);
      if (!secret) {
        problem(ing, 'SecretNotFound', `secret ${secretKey} of type ${TLS_SECRET_TYPE} named in spec.tls not found; the default certificate is served instead`);
        continue;
      }
      const cert = certificateOf(secret);
      if (typeof cert === 'string') {
        problem(ing, 'InvalidSecret', `secret ${secretKey}: ${cert}; the default certificate is served instead`);
        continue;
      }
      if (!tls.hosts?.length) table.defaultCertificate ??= cert;
      for (const h of tls.hosts ?? []) {
        const host = h.toLowerCase();
        if (!table.certificates.has(host)) table.certificates.set(host, cert);
      }
    }
  }
  return table;
}

/** The Route (or the host's fallback) for a request; undefined means 404. */
export function findRoute(table: RouteTable, hostHeader: string | undefined, path: string): { backend: Backend; route?: Route } | undefined {
  const vh = lookupHost(table.hosts, normalizeHost(hostHeader)) ?? table.catchAll;
  for (const route of vh.routes) if (pathMatches(route, path)) return { backend: route.backend, route };
  return vh.fallback ? { backend: vh.fallback } : undefined;
}

/** The certificate for a TLS server name (SNI): exact name first, then a `*.` wildcard. */
export function findCertificate(table: RouteTable, serverName: string | undefined): TlsCertificate | undefined {
  return lookupHost(table.certificates, normalizeHost(serverName));
}

/** `Example.COM:8080` and `example.com.` are both `example.com`; IPv6 literals keep their brackets. */
export function normalizeHost(host: string | undefined): string {
  if (!host) return '';
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** An exact entry, else the wildcard one label up (`*.example.com` covers `a.example.com` only). */
function lookupHost<T>(map: Map<string, T>, host: string): T | undefined {
  if (!host) return undefined;
  const exact = map.get(host);
  if (exact) return exact;
  const dot = host.indexOf('.');
  return dot > 0 ? map.get(`*${host.slice(dot)}`) : undefined;
}

function pathMatches(route: Pick<Route, 'path' | 'type'>, requestPath: string): boolean {
  const path = requestPath.split('?', 1)[0];
  if (route.type === 'Exact') return path === route.path;
  // Element-wise: "/foo" covers "/foo", "/foo/" and "/foo/bar", never "/foobar".
  return route.path === '' || path === route.path || path.startsWith(route.path + '/');
}

/** ImplementationSpecific paths are served as Prefix; an empty path is "/". */
function matchOf(p: HTTPIngressPath): { path: string; type: MatchType } {
  const path = p.path || '/';
  if (p.pathType === 'Exact') return { path, type: 'Exact' };
  return { path: path.replace(/\/+$/, ''), type: 'Prefix' };
}

function precedence(a: Route, b: Route): number {
  return b.path.length - a.path.length || (a.type === b.type ? 0 : a.type === 'Exact' ? -1 : 1);
}

interface Resolved {
  backend: Backend;
  /** Set when the Ingress names something that does not exist (not for a lack of ready endpoints). */
  problem?: 'ServiceNotFound' | 'ServicePortNotFound';
}

function resolveBackend(id: string, svc: ServiceObject | undefined, slices: EndpointSliceObject[], want: { name?: string; number?: number }, ns: string, name: string): Resolved {
  const broken = (problem: Resolved['problem'], unavailable: string): Resolved => ({ backend: { id, endpoints: [], unavailable }, problem });
  if (!svc) return broken('ServiceNotFound', `service ${ns}/${name} not found`);
  const ports = svc.spec?.ports ?? [];
  const port: ServicePort | undefined = want.name !== undefined ? ports.find(p => p.name === want.name) : ports.find(p => p.port === want.number);
  const noPort = () => broken('ServicePortNotFound', `service ${ns}/${name} has no port ${want.name ?? want.number}`);
  if (svc.spec?.type === 'ExternalName') {
    const number = port?.port ?? want.number;
    if (!svc.spec.externalName || number === undefined) return noPort();
    return { backend: { id, endpoints: [{ host: svc.spec.externalName, port: number }] } };
  }
  if (!port) return noPort();
  if ((port.protocol ?? 'TCP') !== 'TCP') return broken('ServicePortNotFound', `service ${ns}/${name} port ${port.port} is ${port.protocol}, not TCP`);
  const seen = new Set<string>();
  const endpoints: BackendEndpoint[] = [];
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const target = (slice.ports ?? []).find(p => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === 'TCP')?.port;
    if (target === undefined) continue;
    for (const e of slice.endpoints ?? []) {
      // A nil ready condition means ready (discovery/v1); only the first address is the endpoint's.
      if (e.conditions?.ready === false || !e.addresses?.length) continue;
      const key = `${e.addresses[0]} ${target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      endpoints.push({ host: e.addresses[0], port: target });
    }
  }
  endpoints.sort((a, b) => a.host.localeCompare(b.host) || a.port - b.port);
  if (!endpoints.length) return { backend: { id, endpoints, unavailable: `no ready endpoints for service ${ns}/${name} port ${want.name ?? want.number}` } };
  return { backend: { id, endpoints } };
}

// Parsing and checking a certificate costs far more than the rest of a build, and a build runs on
// every endpoint change: results are kept per Secret object (informers replace, never mutate, them).
const checkedSecrets = new WeakMap<SecretObject, TlsCertificate | string>();

/** The Secret's certificate and key, or why they cannot serve TLS. */
function certificateOf(secret: SecretObject): TlsCertificate | string {
  let result = checkedSecrets.get(secret);
  if (result === undefined) {
    result = checkCertificate(secret);
    checkedSecrets.set(secret, result);
  }
  return result;
}

function checkCertificate(secret: SecretObject): TlsCertificate | string {
  const data = secret.data ?? {};
  if (!data['tls.crt'] || !data['tls.key']) return 'tls.crt and tls.key are both required';
  const cert = Buffer.from(data['tls.crt'], 'base64').toString('utf8');
  const key = Buffer.from(data['tls.key'], 'base64').toString('utf8');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return 'tls.crt is not a PEM certificate';
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) return 'tls.key does not match the certificate in tls.crt';
  } catch {
    return 'tls.key is not a PEM private key';
  }
  return { secret: `${secret.metadata.namespace}/${secret.metadata.name}`, version: `${secret.metadata.uid}/${secret.metadata.resourceVersion}`, cert, key };
}

function oldestFirst(a: IngressObject, b: IngressObject): number {
  const t = (i: IngressObject) => Date.parse(i.metadata.creationTimestamp ?? '') || 0;
  return t(a) - t(b) || `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
}

function byKey<T>(items: T[], key: (t: T) => string): Map<string, T> {
  return new Map(items.map(i => [key(i), i]));
}
