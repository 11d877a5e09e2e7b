import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCA, issueCertificate } from '../pki/certificates.js';
import { buildRouteTable, findCertificate, findRoute, normalizeHost, type RouteInputs } from './route-table.js';
import type { EndpointSliceObject, IngressObject, SecretObject, ServiceObject } from './types.js';

let created = 0;
function ingress(name: string, spec: IngressObject['spec'], extra: { namespace?: string; annotations?: Record<string, string>; created?: string } = {}): IngressObject {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: { name, namespace: extra.namespace ?? 'default', uid: `uid-${name}`, annotations: extra.annotations, creationTimestamp: extra.created ?? new Date(Date.UTC(2024, 0, 1, 0, 0, created++)).toISOString() },
    spec,
  };
}
const svcBackend = (name: string, port: number | string) => ({ service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } });
const prefix = (path: string, svc: string, port: number | string = 80) => ({ path, pathType: 'Prefix', backend: svcBackend(svc, port) });
const exact = (path: string, svc: string, port: number | string = 80) => ({ path, pathType: 'Exact', backend: svcBackend(svc, port) });

function service(name: string, ports: { name?: string; port: number; protocol?: string }[] = [{ port: 80 }], namespace = 'default'): ServiceObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports } };
}
function slice(svc: string, port: { name?: string; port: number }, endpoints: { ip: string; ready?: boolean }[], namespace = 'default', n = 0): EndpointSliceObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${svc}-${n}`, namespace, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: port.name ?? '', port: port.port, protocol: 'TCP' }],
    endpoints: endpoints.map(e => ({ addresses: [e.ip], conditions: e.ready === undefined ? {} : { ready: e.ready } })),
  };
}

/** Services a, b, c, d (port 80 → 8080), each with one ready pod 10.0.0.<n>. */
function world(ingresses: IngressObject[], more: Partial<RouteInputs> = {}): RouteInputs {
  const names = ['a', 'b', 'c', 'd'];
  return {
    ingresses,
    ingressClasses: more.ingressClasses ?? [],
    services: [...names.map(n => service(n)), ...(more.services ?? [])],
    endpointSlices: [...names.map((n, i) => slice(n, { port: 8080 }, [{ ip: `10.0.0.${i + 1}` }])), ...(more.endpointSlices ?? [])],
    secrets: more.secrets ?? [],
  };
}

const routeTo = (inputs: RouteInputs, host: string | undefined, path: string) => findRoute(buildRouteTable(inputs), host, path)?.backend.id;

describe('paths', () => {
  const inputs = world([ingress('i', { rules: [{ host: 'x.test', http: { paths: [prefix('/', 'a'), prefix('/foo', 'b'), exact('/foo', 'c'), prefix('/foo/bar/', 'd')] } }] })]);
  const cases: [string, string][] = [
    ['/', 'a'], ['/other', 'a'], ['/foo', 'c'], ['/foo/', 'b'], ['/foo/x', 'b'], ['/foobar', 'a'],
    ['/foo/bar', 'd'], ['/foo/bar/', 'd'], ['/foo/bar/baz', 'd'], ['/foo/barbaz', 'b'], ['/foo?q=1', 'c'],
  ];
  for (const [path, want] of cases) {
    test(`${path} goes to ${want}`, () => assert.equal(routeTo(inputs, 'x.test', path), `default/${want}:80`));
  }

  test('the spec\'s table: trailing slashes of Prefix paths are ignored, Exact ones are not', () => {
    const t = world([ingress('i', { rules: [{ host: 'x.test', http: { paths: [prefix('/aaa/bbb/', 'a'), exact('/ccc/', 'b')] } }] })]);
    assert.equal(routeTo(t, 'x.test', '/aaa/bbb'), 'default/a:80');
    assert.equal(routeTo(t, 'x.test', '/aaa/bbbxyz'), undefined);
    assert.equal(routeTo(t, 'x.test', '/ccc/'), 'default/b:80');
    assert.equal(routeTo(t, 'x.test', '/ccc'), undefined);
  });

  test('ImplementationSpecific is Prefix, and an empty path is /', () => {
    const t = world([ingress('i', { rules: [{ host: 'x.test', http: { paths: [{ path: '/api', pathType: 'ImplementationSpecific', backend: svcBackend('a', 80) }, { pathType: 'ImplementationSpecific', backend: svcBackend('b', 80) }] } }] })]);
    assert.equal(routeTo(t, 'x.test', '/api/v1'), 'default/a:80');
    assert.equal(routeTo(t, 'x.test', '/apiv1'), 'default/b:80');
  });
});

describe('hosts', () => {
  const inputs = world([
    ingress('i', { rules: [
      { host: 'Exact.Test', http: { paths: [prefix('/', 'a')] } },
      { host: '*.wild.test', http: { paths: [prefix('/', 'b')] } },
      { host: 'pinned.wild.test', http: { paths: [prefix('/', 'c')] } },
      { http: { paths: [prefix('/any', 'd')] } },
    ] }),
  ]);

  test('exact names, case and port and trailing dot ignored', () => {
    assert.equal(routeTo(inputs, 'exact.test', '/'), 'default/a:80');
    assert.equal(routeTo(inputs, 'EXACT.test:8080', '/'), 'default/a:80');
    assert.equal(routeTo(inputs, 'exact.test.', '/'), 'default/a:80');
  });

  test('a wildcard covers one label only, and an exact name wins over it', () => {
    assert.equal(routeTo(inputs, 'x.wild.test', '/'), 'default/b:80');
    assert.equal(routeTo(inputs, 'pinned.wild.test', '/'), 'default/c:80');
    assert.equal(routeTo(inputs, 'wild.test', '/any'), 'default/d:80');
    assert.equal(routeTo(inputs, 'a.b.wild.test', '/any'), 'default/d:80');
  });

  test('unknown hosts (or none) get the rules without a host; a known host does not fall through to them', () => {
    assert.equal(routeTo(inputs, 'nobody.test', '/any/x'), 'default/d:80');
    assert.equal(routeTo(inputs, undefined, '/any'), 'default/d:80');
    assert.equal(routeTo(inputs, '10.99.0.2', '/other'), undefined);
    assert.equal(routeTo(inputs, 'x.wild.test', '/any'), 'default/b:80');
  });

  test('IPv6 literals keep their brackets when the port is cut', () => {
    assert.equal(normalizeHost('[fd00::1]:80'), '[fd00::1]');
    assert.equal(normalizeHost('[fd00::1]'), '[fd00::1]');
  });
});

describe('default backends', () => {
  test('an Ingress with only a default backend takes every request', () => {
    const t = world([ingress('i', { defaultBackend: svcBackend('a', 80) })]);
    assert.equal(routeTo(t, 'anything.test', '/x'), 'default/a:80');
  });

  test('a host\'s unmatched paths go to the default backend of its Ingress; no default backend is 404', () => {
    const t = world([
      ingress('with', { defaultBackend: svcBackend('a', 80), rules: [{ host: 'w.test', http: { paths: [exact('/x', 'b')] } }] }),
      ingress('without', { rules: [{ host: 'n.test', http: { paths: [exact('/x', 'b')] } }] }),
    ]);
    assert.equal(routeTo(t, 'w.test', '/y'), 'default/a:80');
    assert.equal(routeTo(t, 'n.test', '/y'), undefined);
    assert.equal(routeTo(t, 'other.test', '/'), 'default/a:80', 'the only default backend also takes unknown hosts');
  });

  test('the catch-all prefers an Ingress without rules, then the oldest', () => {
    const t = world([
      ingress('old-with-rules', { defaultBackend: svcBackend('a', 80), rules: [{ host: 'w.test', http: { paths: [exact('/x', 'b')] } }] }),
      ingress('newer-catch-all', { defaultBackend: svcBackend('c', 80) }),
    ]);
    assert.equal(routeTo(t, 'other.test', '/'), 'default/c:80');
  });
});

describe('several Ingresses', () => {
  test('paths of one host merge; for the same path the oldest Ingress wins', () => {
    const t = world([
      ingress('newer', { rules: [{ host: 'h.test', http: { paths: [prefix('/x', 'b'), prefix('/y', 'c')] } }] }, { created: '2024-02-01T00:00:00Z' }),
      ingress('older', { rules: [{ host: 'h.test', http: { paths: [prefix('/x', 'a')] } }] }, { created: '2024-01-01T00:00:00Z' }),
    ]);
    assert.equal(routeTo(t, 'h.test', '/x'), 'default/a:80');
    assert.equal(routeTo(t, 'h.test', '/y'), 'default/c:80');
  });

  test('Ingresses of other classes are left alone; no class, ours, or a class naming our controller are served', () => {
    const rules = (svc: string, host: string) => ({ rules: [{ host, http: { paths: [prefix('/', svc)] } }] });
    const t = world([
      ingress('nginx', { ...rules('a', 'n.test'), ingressClassName: 'nginx' }),
      ingress('legacy', rules('a', 'l.test'), { annotations: { 'kubernetes.io/ingress.class': 'traefik' } }),
      ingress('mine', { ...rules('b', 'm.test'), ingressClassName: 'k8ts' }),
      ingress('classless', rules('c', 'c.test')),
      ingress('internal', { ...rules('d', 'i.test'), ingressClassName: 'internal' }),
    ], { ingressClasses: [{ metadata: { name: 'internal' }, spec: { controller: 'k8ts.io/ingress' } }, { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } }] });
    assert.equal(routeTo(t, 'n.test', '/'), undefined);
    assert.equal(routeTo(t, 'l.test', '/'), undefined);
    assert.equal(routeTo(t, 'm.test', '/'), 'default/b:80');
    assert.equal(routeTo(t, 'c.test', '/'), 'default/c:80');
    assert.equal(routeTo(t, 'i.test', '/'), 'default/d:80');
  });
});

describe('backends', () => {
  test('ready endpoints of every slice, deduplicated, by the slice port named like the Service port', () => {
    const t = buildRouteTable(world([ingress('i', { defaultBackend: svcBackend('web', 'http') })], {
      services: [service('web', [{ name: 'metrics', port: 9090 }, { name: 'http', port: 80 }])],
      endpointSlices: [
        slice('web', { name: 'http', port: 8080 }, [{ ip: '10.1.0.2' }, { ip: '10.1.0.3', ready: false }, { ip: '10.1.0.1', ready: true }], 'default', 1),
        slice('web', { name: 'http', port: 8080 }, [{ ip: '10.1.0.2' }, { ip: '10.1.0.4' }], 'default', 2),
        slice('web', { name: 'metrics', port: 9100 }, [{ ip: '10.1.0.9' }], 'default', 3),
        slice('web', { name: 'http', port: 8080 }, [{ ip: '10.9.9.9' }], 'elsewhere', 4),
      ],
    }));
    assert.deepEqual(findRoute(t, 'x', '/')!.backend, {
      id: 'default/web:http',
      endpoints: [{ host: '10.1.0.1', port: 8080 }, { host: '10.1.0.2', port: 8080 }, { host: '10.1.0.4', port: 8080 }],
    });
  });

  test('a Service port by number finds its unnamed slice port', () => {
    const t = buildRouteTable(world([ingress('i', { defaultBackend: svcBackend('a', 80) })]));
    assert.deepEqual(findRoute(t, 'x', '/')!.backend.endpoints, [{ host: '10.0.0.1', port: 8080 }]);
  });

  test('no ready endpoint: the route still holds, unavailable, and nothing is reported', () => {
    const t = buildRouteTable(world([ingress('i', { rules: [{ http: { paths: [prefix('/', 'a'), prefix('/none', 'idle')] } }] })], {
      services: [service('idle')], endpointSlices: [slice('idle', { port: 8080 }, [{ ip: '10.2.0.1', ready: false }])],
    }));
    const b = findRoute(t, 'x', '/none/x')!.backend;
    assert.deepEqual(b.endpoints, []);
    assert.equal(b.unavailable, 'no ready endpoints for service default/idle port 80');
    assert.deepEqual(t.problems, []);
  });

  test('a missing Service or port is reported once per Ingress and fails only its own paths', () => {
    const broken = ingress('broken', { rules: [{ host: 'b.test', http: { paths: [prefix('/gone', 'missing'), prefix('/gone2', 'missing'), prefix('/port', 'a', 81), prefix('/ok', 'b')] } }] });
    const t = buildRouteTable(world([broken]));
    assert.deepEqual(t.problems.map(p => [p.ingress.metadata.name, p.reason, p.message]), [
      ['broken', 'ServiceNotFound', 'service default/missing not found'],
      ['broken', 'ServicePortNotFound', 'service default/a has no port 81'],
    ]);
    assert.equal(findRoute(t, 'b.test', '/gone')!.backend.unavailable, 'service default/missing not found');
    assert.equal(findRoute(t, 'b.test', '/ok')!.backend.endpoints.length, 1);
  });

  test('an ExternalName Service is reached by its DNS name', () => {
    const ext: ServiceObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.test' } };
    const t = buildRouteTable(world([ingress('i', { defaultBackend: svcBackend('ext', 443) })], { services: [ext] }));
    assert.deepEqual(findRoute(t, 'x', '/')!.backend.endpoints, [{ host: 'example.test', port: 443 }]);
  });

  test('a resource backend is reported as unsupported', () => {
    const t = buildRouteTable(world([ingress('i', { defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } })]));
    assert.equal(t.problems[0].reason, 'UnsupportedBackend');
    assert.deepEqual(findRoute(t, 'x', '/')!.backend.endpoints, []);
  });
});

describe('TLS', async () => {
  const ca = await createCA('test CA');
  const leaf = await issueCertificate(ca, { commonName: 'secure.test', dnsNames: ['secure.test'], usage: 'server' });
  const other = await issueCertificate(ca, { commonName: 'other', dnsNames: ['other.test'], usage: 'server' });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const secret = (name: string, data: Record<string, string>, namespace = 'default'): SecretObject => ({
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '7' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  });
  const secrets = [
    secret('good', { 'tls.crt': leaf.cert, 'tls.key': leaf.key }),
    secret('wild', { 'tls.crt': other.cert, 'tls.key': other.key }),
    secret('mismatch', { 'tls.crt': leaf.cert, 'tls.key': other.key }),
    secret('garbage', { 'tls.crt': 'not a cert', 'tls.key': leaf.key }),
    secret('elsewhere', { 'tls.crt': leaf.cert, 'tls.key': leaf.key }, 'other-ns'),
  ];

  test('certificates by server name, exact then wildcard; a TLS entry without hosts gives the default', () => {
    const t = buildRouteTable(world([ingress('i', { defaultBackend: svcBackend('a', 80), tls: [
      { hosts: ['Secure.Test'], secretName: 'good' }, { hosts: ['*.wild.test'], secretName: 'wild' }, { secretName: 'wild' },
    ] })], { secrets }));
    assert.equal(findCertificate(t, 'secure.test')?.secret, 'default/good');
    assert.equal(findCertificate(t, 'secure.test')?.cert, leaf.cert);
    assert.equal(findCertificate(t, 'a.wild.test')?.secret, 'default/wild');
    assert.equal(findCertificate(t, 'a.b.wild.test'), undefined);
    assert.equal(findCertificate(t, undefined), undefined);
    assert.equal(t.defaultCertificate?.secret, 'default/wild');
    assert.deepEqual(t.problems, []);
  });

  test('missing, mismatched and unreadable Secrets are reported; other entries still work', () => {
    const t = buildRouteTable(world([ingress('i', { defaultBackend: svcBackend('a', 80), tls: [
      { hosts: ['m.test'], secretName: 'mismatch' }, { hosts: ['g.test'], secretName: 'garbage' },
      { hosts: ['n.test'], secretName: 'elsewhere' }, { hosts: ['secure.test'], secretName: 'good' },
    ] })], { secrets }));
    assert.deepEqual(t.problems.map(p => [p.reason, p.message]), [
      ['InvalidSecret', 'secret default/mismatch: tls.key does not match the certificate in tls.crt; the default certificate is served instead'],
      ['InvalidSecret', 'secret default/garbage: tls.crt is not a PEM certificate; the default certificate is served instead'],
      ['SecretNotFound', 'secret default/elsewhere of type kubernetes.io/tls named in spec.tls not found; the default certificate is served instead'],
    ]);
    assert.equal(findCertificate(t, 'secure.test')?.secret, 'default/good');
    assert.equal(findCertificate(t, 'm.test'), undefined);
  });
});
