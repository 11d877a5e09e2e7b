// Property-based fuzzing of a real API server, in this process: random and adversarial bodies,
// patches, selectors, field paths, query parameters, content types and headers against every verb
// of every served resource. Every error must be a Status whose code is the HTTP status, nothing may
// be a 5xx, the sentinel objects in another namespace must stay exactly as they were, Object.prototype
// must stay clean, and the heap must not keep growing. K8TS_FUZZ_RUNS sets the number of requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { ResourceCatalog, type ResourceInfo } from '../../src/api/catalog.js';
import { loadKubeconfig, type ClientConfig } from '../../src/client/kubeconfig.js';
import { startServer, type RunningServer } from '../../src/cli/server-command.js';
import { raw } from './support/raw-https.js';

const RUNS = Number(process.env.K8TS_FUZZ_RUNS ?? 1000);
const FUZZ_NS = 'fuzz';
const SENTINEL_NS = 'sentinel';
const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const prototypeMembers = () => PROTOTYPES.map(p => Object.getOwnPropertyNames(p).sort().join(','));

let server: RunningServer;
let dataDir: string;
let config: ClientConfig;
let agent: Agent;
let resources: ResourceInfo[];

// Groups whose objects change how the server treats later requests (webhooks, policies): a random
// valid one would turn the rest of the run into a test of that object.
const NO_WRITES = new Set(['admissionregistration.k8s.io', 'apiregistration.k8s.io']);

const SENTINELS: [string, object][] = [
  ['/api/v1/namespaces/sentinel/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 's', labels: { app: 'fuzz' } }, data: JSON.parse('{"__proto__":"p","constructor":"c","a":"1"}') }],
  ['/api/v1/namespaces/sentinel/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'x' } }],
  ['/api/v1/namespaces/sentinel/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's' } }],
  ['/apis/rbac.authorization.k8s.io/v1/namespaces/sentinel/roles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 's' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }],
  ['/apis/apps/v1/namespaces/sentinel/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 's' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }],
];

/** Kinds whose objects are little more than a map of data: random bodies of them are often valid. */
const SIMPLE: [string, Record<string, unknown>][] = [
  [`/api/v1/namespaces/${FUZZ_NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap' }],
  [`/api/v1/namespaces/${FUZZ_NS}/secrets`, { apiVersion: 'v1', kind: 'Secret' }],
];

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function sentinelState(): Promise<string[]> {
  const ns = await raw(config, 'GET', `/api/v1/namespaces/${SENTINEL_NS}`, '', { agent });
  const items = await Promise.all(SENTINELS.map(([path]) => raw(config, 'GET', `${path}/s`, '', { agent })));
  return [ns, ...items].map(r => `${r.code} ${r.body}`);
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'k8ts-fuzz-'));
  const running = await startServer(['--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--datastore', 'memory', '--disable-agent', '--disable-controllers']);
  assert.ok(running);
  server = running;
  config = loadKubeconfig(server.kubeconfigPath);
  agent = new Agent({ keepAlive: true, ca: config.ca, cert: config.cert, key: config.key, maxSockets: 8 });
  resources = ResourceCatalog.shared().all().filter(r => server.apiServer.registry.find(r.group, r.version, r.resource));
  for (const ns of [FUZZ_NS, SENTINEL_NS]) {
    assert.equal((await raw(config, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), { agent })).code, 201);
  }
  for (const [path, body] of SENTINELS) {
    const r = await raw(config, 'POST', path, JSON.stringify(body), { agent });
    assert.equal(r.code, 201, r.body);
  }
  // Targets that exist, so that patches and updates get past "not found".
  for (const [path, body] of SIMPLE) {
    const r = await raw(config, 'POST', path, JSON.stringify({ ...body, metadata: { name: 'fuzz-a' } }), { agent });
    assert.equal(r.code, 201, r.body);
  }
});

after(async () => {
  agent?.destroy();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const deep = (d: number) => '['.repeat(d) + ']'.repeat(d);
const ADVERSARIAL_STRINGS = ['', ' ', 'abc', '-1', '0', '1e999', '1e100000000', '1e-100000000', '8Ei', '9223372036854775808', '18446744073709551616', '__proto__', 'constructor', 'toString',
  '__proto__=x', 'constructor!=y', 'a in (b', 'a,,b', '!', 'metadata.name=s', 'metadata.namespace=sentinel', 'x'.repeat(5000), '\u0000', '\ud800', '%', '😀', '{}', '[]', 'null'];

const anyString = fc.oneof(fc.constantFrom(...ADVERSARIAL_STRINGS), fc.string({ maxLength: 40 }));
const awkwardKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '$patch', '$retainKeys', '$setElementOrder/containers', '$deleteFromPrimitiveList/finalizers', 'metadata', 'name', ''), fc.string({ maxLength: 12 }));
const jsonish: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, 2 ** 63, 'x', '', 's', 'sentinel'),
    anyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(awkwardKey, tie('value'), { maxKeys: 5 })),
})).value;

/** A body shaped like an object of `r`, with random members mixed in. */
function objectBody(r: ResourceInfo): fc.Arbitrary<Record<string, unknown>> {
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  return fc.record({
    apiVersion: fc.oneof(fc.constant(apiVersion), anyString),
    kind: fc.oneof(fc.constant(r.kind), anyString),
    metadata: fc.record({
      name: fc.oneof(fc.constantFrom('fuzz-a', 'fuzz-b', 's'), anyString),
      namespace: fc.constantFrom(undefined, FUZZ_NS, SENTINEL_NS),
      labels: fc.option(fc.dictionary(awkwardKey, fc.oneof(anyString, jsonish), { maxKeys: 3 })),
      annotations: fc.option(fc.dictionary(awkwardKey, anyString, { maxKeys: 3 })),
      finalizers: fc.option(fc.array(anyString, { maxLength: 2 })),
      resourceVersion: fc.option(anyString),
      managedFields: fc.option(jsonish),
    }, { requiredKeys: ['name'] }),
    spec: fc.option(jsonish),
    data: fc.option(jsonish),
    status: fc.option(jsonish),
  }, { requiredKeys: ['apiVersion', 'kind', 'metadata'] }).chain(base => fc.dictionary(awkwardKey, jsonish, { maxKeys: 2 }).map(extra => ({ ...extra, ...base })));
}

/** Bodies as bytes: objects of the kind, patches, and inputs no client would send. */
function bodyFor(r: ResourceInfo): fc.Arbitrary<Buffer> {
  const text = (a: fc.Arbitrary<unknown>) => a.map(v => Buffer.from(JSON.stringify(v) ?? 'null'));
  return fc.oneof(
    text(objectBody(r)),
    text(jsonish),
    text(fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'x'), path: fc.oneof(fc.constantFrom('/data/__proto__', '/__proto__/x', '/metadata/labels/a', '/metadata/name', '/spec', '/constructor/prototype/x', '', '/'), anyString), from: fc.option(anyString), value: jsonish }), { maxLength: 3 })),
    fc.constantFrom(
      '{"__proto__":{"polluted":1}}', '{"metadata":{"__proto__":{"namespace":"sentinel"}}}', `{"data":{"x":${deep(600)}}}`, deep(100_000),
      '{"metadata":{"name":"fuzz-a","name":"s"}}', '{"spec":1e999}', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fuzz-a"},"data":{"k":"v"}}',
      'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      'metadata:\n  name: fuzz-a\n  __proto__: {namespace: sentinel}\n', '', 'null', '{', '[1,2]', '"x"',
    ).map(s => Buffer.from(s)),
    fc.uint8Array({ maxLength: 64 }).map(b => Buffer.from(b)),
  );
}

const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
    'application/json-patch+json', 'application/apply-patch+yaml', 'text/plain', 'application/json; charset=utf-16', '*/*', ''),
  fc.stringMatching(/^[a-z]{1,8}\/[a-z+.-]{1,12}$/),
);
const accept = fc.constantFrom(undefined, 'application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/vnd.kubernetes.protobuf', 'text/html', 'application/json;as=__proto__', '*/*;q=0');
const QUERY_NAMES = ['resourceVersion', 'resourceVersionMatch', 'limit', 'continue', 'fieldSelector', 'labelSelector', 'timeoutSeconds', 'timeout', 'propagationPolicy',
  'dryRun', 'fieldManager', 'force', 'fieldValidation', 'gracePeriodSeconds', 'orphanDependents', 'allowWatchBookmarks', 'sendInitialEvents', 'pretty', '__proto__', 'constructor'];
const query = fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), fc.oneof(anyString, fc.constantFrom('All', 'Strict', 'Exact', 'Orphan', 'true', '1', 'fuzz', 'a=b', 'metadata.name=fuzz-a', '5', '1s'))), { maxLength: 4 });
const dataKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'a', 'b.c', '-_.'), fc.stringMatching(/^[-._a-zA-Z0-9]{1,10}$/));
const dataMap = fc.dictionary(dataKey, fc.oneof(fc.constantFrom('dg==', 'eA=='), fc.string({ maxLength: 8 })), { maxKeys: 4 });
const labels = fc.dictionary(fc.oneof(fc.constantFrom('a', 'app', 'constructor', '__proto__'), fc.stringMatching(/^[a-z0-9]{1,8}$/)), fc.stringMatching(/^[a-z0-9]{0,8}$/), { maxKeys: 3 });

/** Mostly valid writes of ConfigMaps and Secrets: awkward keys in data and labels, through every write verb. */
const simpleRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  target: fc.constantFrom(...SIMPLE),
  name: fc.constantFrom('fuzz-a', 'fuzz-b', 'fuzz-c'),
  data: dataMap,
  labels,
  key: dataKey,
  value: fc.string({ maxLength: 8 }),
  kind: fc.constantFrom('create', 'update', 'merge', 'strategic', 'json', 'apply', 'proto', 'delete'),
}).map(({ target: [base, typeMeta], name, data, labels, key, value, kind }): FuzzRequest => {
  const object = (extra: object = {}) => Buffer.from(JSON.stringify({ ...typeMeta, metadata: { name, labels }, data, ...extra }));
  const encodedKey = key.replace(/~/g, '~0').replace(/\//g, '~1');
  switch (kind) {
    case 'create': return { method: 'POST', path: base, body: object(), contentType: 'application/json', long: false };
    case 'update': return { method: 'PUT', path: `${base}/${name}`, body: object(), contentType: 'application/json', long: false };
    case 'merge': return { method: 'PATCH', path: `${base}/${name}`, body: Buffer.from(JSON.stringify({ metadata: { labels }, data })), contentType: 'application/merge-patch+json', long: false };
    case 'strategic': return { method: 'PATCH', path: `${base}/${name}`, body: Buffer.from(JSON.stringify({ data })), contentType: 'application/strategic-merge-patch+json', long: false };
    case 'json': return { method: 'PATCH', path: `${base}/${name}`, body: Buffer.from(JSON.stringify([{ op: 'add', path: `/data/${encodedKey}`, value }])), contentType: 'application/json-patch+json', long: false };
    case 'apply': return { method: 'PATCH', path: `${base}/${name}?fieldManager=fuzz&force=true`, body: object(), contentType: 'application/apply-patch+yaml', long: false };
    case 'proto': return { method: 'PATCH', path: `${base}/${name}`, body: Buffer.from(`{"__proto__":{"polluted":1},"metadata":{"__proto__":{"namespace":"sentinel"}},"data":{"__proto__":${JSON.stringify(value)}}}`), contentType: 'application/merge-patch+json', long: false };
    case 'delete': return { method: 'DELETE', path: `${base}/${name}`, body: Buffer.alloc(0), contentType: 'application/json', long: false };
  }
});

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

interface FuzzRequest { method: string; path: string; body: Buffer; contentType: string; accept?: string; long: boolean }

const anyRequest = fc.integer({ min: 0, max: 10_000 }).chain(i => {
  const r = resources[i % resources.length];
  const writable = !NO_WRITES.has(r.group);
  const verbs = VERBS.filter(v => (v === 'watch' || r.verbs.includes(v)) && (writable || ['get', 'list', 'watch'].includes(v))
    // Cluster-wide deletes would reach the sentinels' namespace.
    && !(v === 'deletecollection' && !r.namespaced));
  return fc.record({
    verb: fc.constantFrom(...verbs),
    name: fc.oneof(fc.constantFrom('fuzz-a', 'fuzz-b'), fc.stringMatching(/^fuzz-[a-z0-9._%-]{0,20}$/)),
    subresource: fc.constantFrom('', '', '', 'status', 'scale', 'x', ...r.subresources.map(s => s.name).filter(s => !['exec', 'attach', 'portforward', 'proxy', 'log'].includes(s))),
    body: bodyFor(r),
    contentType,
    accept,
    query,
  }).map(({ verb, name, subresource, body, contentType, accept, query }): FuzzRequest => {
    const base = `${r.group ? `/apis/${r.group}` : '/api'}/${r.version}${r.namespaced ? `/namespaces/${FUZZ_NS}` : ''}/${r.resource}`;
    const one = `${base}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
    const method = { get: 'GET', list: 'GET', watch: 'GET', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETE' }[verb];
    const path = ['list', 'create', 'deletecollection'].includes(verb) || (verb === 'watch' && name.length % 2 === 0) ? base : one;
    const q = new URLSearchParams(verb === 'watch' ? [['watch', 'true'], ['timeoutSeconds', '1'], ...query] : query);
    return { method, path: `${path}?${q}`, body, contentType, accept, long: verb === 'watch' || q.get('watch') !== null };
  });
});

const request = fc.oneof(anyRequest, simpleRequest);

test('fuzz: every answer is 2xx or a Status with its code, never a 5xx; sentinels, prototypes and heap hold', { timeout: 300_000 }, async () => {
  const sentinelsBefore = await sentinelState();
  const prototypesBefore = prototypeMembers();
  const answered = new Map<string, number>();
  // A first round warms caches and lazily built tables, so the heap comparison sees growth, not set-up.
  const run = (runs: number, seed: number) => fc.assert(fc.asyncProperty(request, async req => {
    const res = await raw(config, req.method, req.path, req.body, {
      agent, contentType: req.contentType, headers: req.accept ? { Accept: req.accept } : {}, abortAfterMs: req.long ? 3000 : undefined,
    });
    const what = `${req.method} ${req.path} [${req.contentType}] ${req.body.toString('utf8').slice(0, 300)}`;
    const kind = `${req.method} ${Math.floor(res.code / 100)}xx`;
    answered.set(kind, (answered.get(kind) ?? 0) + 1);
    assert.ok(res.code !== 0 || req.long, `no answer: ${what}`);
    assert.ok(res.code < 500, `${res.code} for ${what}: ${res.body.slice(0, 500)}`);
    if (res.code >= 400) {
      let status: any;
      assert.doesNotThrow(() => (status = JSON.parse(res.body)), `not JSON: ${res.code} ${res.body.slice(0, 200)} for ${what}`);
      assert.equal(status.kind, 'Status', what);
      assert.equal(status.apiVersion, 'v1', what);
      assert.equal(status.status, 'Failure', what);
      assert.equal(status.code, res.code, what);
      assert.equal(typeof status.message, 'string', what);
    }
    assert.deepEqual(prototypeMembers(), prototypesBefore, `a prototype changed after ${what}`);
  }), { numRuns: runs, seed, endOnFailure: true });
  await run(Math.max(20, Math.floor(RUNS / 4)), 1);
  const heapBefore = heapUsed();
  await run(RUNS, 2);
  const growth = heapUsed() - heapBefore;
  // The inputs reached the store, not only the decoders.
  for (const kind of ['POST 2xx', 'PATCH 2xx', 'PUT 2xx', 'DELETE 2xx', 'GET 2xx', 'POST 4xx', 'PATCH 4xx']) assert.ok(answered.get(kind), `no ${kind} answer: ${JSON.stringify([...answered])}`);
  assert.ok(growth < 64 * 1024 * 1024, `heap grew by ${Math.round(growth / 1024 / 1024)} MiB over ${RUNS} requests`);
  assert.deepEqual(await sentinelState(), sentinelsBefore, 'the sentinel objects changed');
  assert.equal(((({}) as Record<string, unknown>).polluted), undefined);
  assert.equal((await raw(config, 'GET', '/healthz', '', { agent })).body, 'ok');
});
