// Hostile input against a real server, driven by the real kubectl and raw HTTPS: keys named like
// Object.prototype's members are data, malformed queries and bodies get upstream's Status, and the
// server's limits (body size, nesting depth, ...) hold.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { loadKubeconfig, type ClientConfig } from '../../src/client/kubeconfig.js';
import { TestCluster, eventually } from './harness.js';
import { raw, type RawResponse } from './support/raw-https.js';
import { suiteCluster } from './support/suite-cluster.js';

/** The Status of an error response, checked to be one with the response's code. */
function statusOf(r: RawResponse): { code: number; reason: string; message: string } {
  const status = JSON.parse(r.body);
  assert.equal(status.kind, 'Status', r.body);
  assert.equal(status.code, r.code, r.body);
  return status;
}

/** Keys of a ConfigMap's data, in order, from `kubectl get -o json`. */
async function dataOf(s: ReturnType<typeof suiteCluster>, name: string): Promise<Record<string, string>> {
  return JSON.parse(await s.c.k(['get', 'configmap', name, '-o', 'json'])).data;
}

/** Whether the server's Object.prototype carries `namespace`: every cluster-scoped object would then seem namespaced. */
async function polluted(s: ReturnType<typeof suiteCluster>): Promise<boolean> {
  const out = await s.c.k(['get', 'namespaces', '--field-selector', 'metadata.namespace=polluted', '-o', 'name']);
  return out.trim() !== '';
}

describe('hostile input', () => {
  const s = suiteCluster({ api: true, scratch: 'k8ts-hostile-' });

  test('__proto__ and constructor keys round-trip through create, get, patch, apply and replace', async () => {
    const cm = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'proto' }, data })
      // JSON.stringify of an object literal cannot hold an own __proto__ key; spell it.
      .replace('"__proto__X"', '"__proto__"');
    const file = join(s.dir, 'proto.json');
    writeFileSync(file, cm({ __proto__X: 'p', constructor: 'c', toString: 't' } as Record<string, string>));
    await s.c.k(['create', '-f', file]);
    assert.deepEqual(Object.entries(await dataOf(s, 'proto')), [['__proto__', 'p'], ['constructor', 'c'], ['toString', 't']]);

    await s.c.k(['patch', 'configmap', 'proto', '--type', 'merge', '-p', '{"data":{"__proto__":"p2","constructor":null}}']);
    assert.deepEqual(Object.entries(await dataOf(s, 'proto')), [['__proto__', 'p2'], ['toString', 't']]);
    await s.c.k(['patch', 'configmap', 'proto', '--type', 'strategic', '-p', '{"data":{"constructor":"c3","__proto__":"p3"}}']);
    assert.deepEqual(await dataOf(s, 'proto'), JSON.parse('{"__proto__":"p3","toString":"t","constructor":"c3"}'));
    await s.c.k(['patch', 'configmap', 'proto', '--type', 'json', '-p', '[{"op":"replace","path":"/data/__proto__","value":"p4"},{"op":"remove","path":"/data/toString"}]']);
    assert.deepEqual(await dataOf(s, 'proto'), JSON.parse('{"constructor":"c3","__proto__":"p4"}'));

    writeFileSync(file, cm({ __proto__X: 'p5', constructor: 'c5' } as Record<string, string>));
    await s.c.k(['apply', '--server-side', '--force-conflicts', '-f', file]);
    assert.deepEqual(await dataOf(s, 'proto'), JSON.parse('{"constructor":"c5","__proto__":"p5"}'));
    const applied = JSON.parse(await s.c.k(['get', 'configmap', 'proto', '-o', 'json', '--show-managed-fields']));
    const owner = applied.metadata.managedFields.find((e: any) => e.operation === 'Apply');
    assert.deepEqual(Object.keys(owner.fieldsV1['f:data']).sort(), ['f:__proto__', 'f:constructor']);

    const live = JSON.parse(await s.c.k(['get', 'configmap', 'proto', '-o', 'json']));
    const replaced = JSON.stringify({ ...live, data: undefined }).replace(/}$/, ',"data":{"__proto__":"p6","constructor":"c6","hasOwnProperty":"h"}}');
    writeFileSync(file, replaced);
    await s.c.k(['replace', '-f', file]);
    assert.deepEqual(Object.entries(await dataOf(s, 'proto')), [['__proto__', 'p6'], ['constructor', 'c6'], ['hasOwnProperty', 'h']]);
    assert.equal(await polluted(s), false);
  });

  test('a __proto__ member in any patch reaches no prototype of the server', async () => {
    await s.c.k(['create', 'configmap', 'target', '--from-literal=a=1']);
    const probe = '{"__proto__":{"namespace":"polluted"}}';
    const nested = '{"metadata":{"__proto__":{"namespace":"polluted"}},"data":{"__proto__":{"namespace":"polluted"}}}';
    for (const type of ['merge', 'strategic']) {
      for (const body of [probe, nested]) {
        // The patch may be refused (data values must be strings); it must not pollute.
        await s.c.kubectl(['patch', 'configmap', 'target', '--type', type, '-p', body]);
        assert.equal(await polluted(s), false, `${type} ${body}`);
      }
    }
    // An object without such members: the paths lead nowhere.
    await s.c.k(['create', 'configmap', 'plain', '--from-literal=a=1']);
    for (const path of ['/__proto__/namespace', '/metadata/__proto__/namespace', '/constructor/prototype/namespace']) {
      const r = await s.c.kubectl(['patch', 'configmap', 'plain', '--type', 'json', '-p', JSON.stringify([{ op: 'add', path, value: 'polluted' }])]);
      assert.notEqual(r.code, 0, path);
      assert.equal(await polluted(s), false, path);
    }
    const file = join(s.dir, 'apply.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\n  __proto__:\n    namespace: polluted\n__proto__:\n  namespace: polluted\n');
    await s.c.kubectl(['apply', '--server-side', '-f', file]);
    assert.equal(await polluted(s), false);
    assert.equal((await dataOf(s, 'target')).a, '1');
  });

  test('bad bodies and query parameters get upstream\'s 4xx, never a 500', async () => {
    const config = loadKubeconfig(s.c.kubeconfig);
    const CMS = '/api/v1/namespaces/default/configmaps';
    const deep = (d: number) => '['.repeat(d) + ']'.repeat(d);
    const tooDeep = await raw(config, 'POST', CMS, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":{"x":${deep(100_000)}}}`);
    assert.equal(tooDeep.code, 400);
    assert.equal(statusOf(tooDeep).message, `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '[' exceeded max depth ({"apiVersion":"v1","kind":"Con ...)`);
    await s.c.k(['create', 'configmap', 'deep-target']);
    for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
      const r = await raw(config, 'PATCH', `${CMS}/deep-target`, `{"data":{"x":${deep(20_000)}}}`, { contentType: type });
      assert.equal(r.code, 400, type);
      statusOf(r);
    }
    const yamlDeep = await raw(config, 'POST', CMS, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: ${deep(20_000)}\n`, { contentType: 'application/yaml' });
    assert.equal(yamlDeep.code, 400);
    const bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n';
    assert.equal((await raw(config, 'POST', CMS, bomb, { contentType: 'application/yaml' })).code, 400);

    const big = await raw(config, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024) } }));
    assert.equal(big.code, 413);
    assert.equal(statusOf(big).message, 'Request entity too large: limit is 3145728');

    // Invalid UTF-8 in a string becomes U+FFFD, as Go's decoder does.
    const utf8 = await raw(config, 'POST', CMS, Buffer.concat([Buffer.from('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"utf8"},"data":{"a":"x'), Buffer.from([0xff, 0xc3]), Buffer.from('y"}}')]));
    assert.equal(utf8.code, 201, utf8.body);
    assert.equal((await dataOf(s, 'utf8')).a, 'x\ufffd\ufffdy');
    const dup = await raw(config, 'POST', `${CMS}?fieldValidation=Strict`, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup2"}}');
    assert.equal(dup.code, 400);
    assert.equal(statusOf(dup).message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "name"');
    const dupWarn = await raw(config, 'POST', CMS, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup2"}}');
    assert.equal(dupWarn.code, 201);
    assert.match(String(dupWarn.headers.warning), /duplicate field \\"name\\"/);
    const huge = await raw(config, 'POST', CMS, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge","generation":1e999}}');
    assert.equal(huge.code, 400);
    statusOf(huge);

    for (const [query, message] of [
      ['resourceVersion=abc', 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'],
      ['watch=true&resourceVersion=abc', 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'],
      ['limit=ten', 'strconv.ParseInt: parsing "ten": invalid syntax'],
      ['watch=true&timeoutSeconds=x', 'strconv.ParseInt: parsing "x": invalid syntax'],
      ['fieldSelector=__proto__%3Dx', 'field label not supported: __proto__'],
      ['timeout=soon', 'invalid timeout specified in the request URL - time: invalid duration "soon"'],
    ]) {
      const r = await raw(config, 'GET', `${CMS}?${query}`);
      assert.equal(r.code, 400, query);
      assert.equal(statusOf(r).message, message, query);
    }
    const rv = await s.c.kubectl(['get', '--raw', `${CMS}?resourceVersion=abc`]);
    assert.match(rv.stderr, /Error from server \(BadRequest\): invalid resource version/);
    assert.equal((await s.c.k(['get', '--raw', '/healthz'])).trim(), 'ok');
  });
});

describe('request limits', () => {
  let c: TestCluster;
  let config: ClientConfig;
  let token: string;
  before(async () => {
    c = await TestCluster.start({ extraArgs: ['--disable-controllers', '--max-requests-inflight', '1', '--max-mutating-requests-inflight', '1', '--request-timeout', '30s'] });
    config = loadKubeconfig(c.kubeconfig);
    // A client outside system:masters, which upstream never refuses.
    await c.k(['create', 'serviceaccount', 'limited']);
    // A Role of its own: with --disable-controllers nothing aggregates rules into `edit`.
    await c.k(['create', 'role', 'configmap-editor', '--verb', 'get,list,watch,create,update,patch,delete', '--resource', 'configmaps']);
    await c.k(['create', 'rolebinding', 'limited-edit', '--role', 'configmap-editor', '--serviceaccount', 'default:limited']);
    token = (await c.k(['create', 'token', 'limited'])).trim();
  });
  after(async () => {
    await c?.stop();
  });

  test('a full server answers 429 with Retry-After; watches and system:masters still get through', async () => {
    const CMS = '/api/v1/namespaces/default/configmaps';
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'slow' } });
    // A create whose body trickles holds the one mutating slot for a while (long against the
    // requests below on a loaded machine; well inside --request-timeout).
    const slow = raw(config, 'POST', CMS, [body.slice(0, 10), body.slice(10)], { gap: 8_000 });
    // It holds the slot once the server has its headers: dry runs (mutating requests too) tell when.
    await eventually(async () => (await raw(config, 'POST', `${CMS}?dryRun=All`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe' } }), { token })).code === 429, 5_000, 'the slow create to hold the slot');
    const refused = await raw(config, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'refused' } }), { token });
    assert.equal(refused.code, 429);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(statusOf(refused).message, 'Too many requests, please try again later.');
    const admin = await raw(config, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'admin' } }));
    assert.equal(admin.code, 201, 'system:masters is served');
    const reads = await raw(config, 'GET', `${CMS}?limit=1`, '', { token });
    assert.equal(reads.code, 200, 'reads have their own limit');
    assert.equal((await slow).code, 201);
    const after = await raw(config, 'POST', CMS, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later' } }), { token });
    assert.equal(after.code, 201, 'the slot is free again');
    // Watches do not count: several at once, then a read.
    const watches = [1, 2, 3].map(() => c.kubectl(['get', 'configmaps', '--watch', '--request-timeout', '3s']));
    await new Promise(r => setTimeout(r, 1000));
    assert.equal((await raw(config, 'GET', CMS, '', { token })).code, 200);
    await Promise.all(watches);
  });

  test('a request past ?timeout= or --request-timeout gets a 504 Timeout Status', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    const timedOut = await raw(config, 'POST', '/api/v1/namespaces/default/configmaps?timeout=1s', [body.slice(0, 10), body.slice(10)], { gap: 3000 });
    assert.equal(timedOut.code, 504);
    const status = statusOf(timedOut);
    assert.equal(status.reason, 'Timeout');
    assert.equal(status.message, 'Timeout: request did not complete within the allotted timeout');
  });

  test('clients that trickle their headers are dropped; 10,000 idle connections do not stop the server', async () => {
    const url = new URL(config.server);
    // Headers that never end: the server closes the connection (upstream's ReadHeaderTimeout).
    const loris = tlsConnect({ host: url.hostname, port: Number(url.port), ca: config.ca, cert: config.cert, key: config.key, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => loris.once('secureConnect', resolve).once('error', reject));
    loris.write('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => { if (!loris.destroyed) loris.write('X-Slow: 1\r\n'); }, 1000);
    await new Promise<void>(resolve => loris.once('close', () => resolve()));
    clearInterval(drip);

    const limit = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
    assert.ok(limit > 10_200, `this test needs more than 10,200 open files (ulimit -n is ${limit})`);
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 10_000; i++) {
        const sock = tcpConnect(Number(url.port), url.hostname);
        sock.on('error', () => {});
        idle.push(sock);
        if (i % 500 === 499) await new Promise(r => setTimeout(r, 50));
      }
      await Promise.all(idle.map(sock => new Promise<void>(resolve => (sock.readyState === 'open' ? resolve() : sock.once('connect', () => resolve()).once('close', () => resolve())))));
      assert.ok(idle.filter(sock => sock.readyState === 'open').length >= 9_900, 'the server accepted the connections');
      assert.equal((await c.k(['get', '--raw', '/healthz'])).trim(), 'ok');
      assert.equal((await raw(config, 'GET', '/api/v1/namespaces/default/configmaps', '', { token })).code, 200);
    } finally {
      for (const sock of idle) sock.destroy();
    }
  });
});
