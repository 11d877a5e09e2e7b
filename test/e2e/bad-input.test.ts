// Bad input gets upstream's Status (reason and code) and loses nothing; random bodies never crash
// the server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../src/api/errors.js';
import { RestClient } from '../../src/client/rest-client.js';
import { suiteCluster } from './support/suite-cluster.js';

const CMS = '/api/v1/namespaces/default/configmaps';

async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; causes?: unknown[] }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, reason: err.reason, message: err.message, causes: err.details?.causes };
    throw err;
  }
  throw new Error('request unexpectedly succeeded');
}

describe('bad input', () => {
  const s = suiteCluster({ api: true });

  test('malformed JSON and YAML are 400 BadRequest', async () => {
    const json = await statusOf(s.api.request(CMS, { method: 'POST', body: '{"metadata": {"name": "x"', contentType: 'application/json' }));
    assert.equal(json.code, 400);
    assert.equal(json.reason, 'BadRequest');
    const yaml = await statusOf(s.api.request(CMS, { method: 'POST', body: 'metadata:\n  name: [x\n', contentType: 'application/yaml' }));
    assert.equal(yaml.code, 400);
    assert.equal(yaml.reason, 'BadRequest');
    const notObject = await statusOf(s.api.request(CMS, { method: 'POST', body: '[1,2]', contentType: 'application/json' }));
    assert.equal(notObject.code, 400);
  });

  test('wrong apiVersion or kind is 400', async () => {
    const kind = await statusOf(s.api.create(CMS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }));
    assert.equal(kind.code, 400);
    assert.match(kind.message, /kind/);
    const version = await statusOf(s.api.create(CMS, { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
    assert.equal(version.code, 400);
  });

  test('a body over 3 MiB is 413', async () => {
    const big = await statusOf(s.api.create(CMS, { metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) } }));
    assert.equal(big.code, 413);
    assert.equal(big.reason, 'RequestEntityTooLarge');
  });

  test('invalid names are 422 Invalid with causes', async () => {
    const bad = await statusOf(s.api.create(CMS, { metadata: { name: 'Bad_Name' } }));
    assert.equal(bad.code, 422);
    assert.equal(bad.reason, 'Invalid');
    assert.match(bad.message, /metadata.name: Invalid value: "Bad_Name"/);
    assert.ok(Array.isArray(bad.causes) && bad.causes.length > 0);
    const missing = await statusOf(s.api.create(CMS, { metadata: {} }));
    assert.equal(missing.code, 422);
    assert.match(missing.message, /name or generateName is required/);
  });

  test('unknown fields: Strict rejects, Warn warns, Ignore accepts', async () => {
    const strict = await statusOf(s.api.create(CMS, { metadata: { name: 'u1' }, bogus: 1 }, { fieldValidation: 'Strict' }));
    assert.equal(strict.code, 400);
    assert.match(strict.message, /strict decoding error: unknown field "bogus"/);
    await s.api.create(CMS, { metadata: { name: 'u2' }, bogus: 1 }, { fieldValidation: 'Ignore' });
    const kubectl = await s.c.kubectl(['create', '--validate=strict', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u3' }, data: {}, spec: { x: 1 } }));
    assert.notEqual(kubectl.code, 0);
    assert.match(kubectl.stderr, /unknown field "spec"/);
  });

  test('missing objects and unknown resources are 404, requests with bad credentials 401', async () => {
    const nf = await statusOf(s.api.get(`${CMS}/nope`));
    assert.equal(nf.code, 404);
    assert.equal(nf.reason, 'NotFound');
    assert.equal(nf.message, 'configmaps "nope" not found');
    const unknown = await statusOf(s.api.get('/api/v1/namespaces/default/widgets'));
    assert.equal(unknown.code, 404);
    // (Requests without credentials are system:anonymous, answered by the authorizer.)
    const anon = new RestClient({ server: s.api.config.server, ca: s.api.config.ca, token: 'not-a-valid-token' });
    try {
      const un = await statusOf(anon.get(CMS));
      assert.equal(un.code, 401);
      assert.equal(un.reason, 'Unauthorized');
    } finally {
      anon.close();
    }
  });

  test('fuzz: random bodies never crash the server and nothing acknowledged is lost', async () => {
    const keep = await s.api.create<any>(CMS, { metadata: { name: 'keeper' }, data: { k: 'v' } });
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const atoms = ['{', '}', '[', ']', ',', ':', '"metadata"', '"name"', '"x"', 'null', '1e999', '-0', 'true', '"\\u0000"', '"kind"', '"ConfigMap"', '"data"', '{}', '"apiVersion"', '"v2"'];
    const paths = [CMS, '/api/v1/namespaces/default/pods', '/apis/apps/v1/namespaces/default/deployments', '/api/v1/namespaces', '/api/v1/nodes'];
    for (let i = 0; i < 300; i++) {
      let body = '';
      const n = 1 + Math.floor(rand() * 30);
      for (let j = 0; j < n; j++) body += atoms[Math.floor(rand() * atoms.length)];
      if (rand() < 0.3) body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `f${i}`, labels: rand() < 0.5 ? { 'bad key!': 'x' } : 7 }, data: rand() < 0.5 ? [1] : { a: 1 } });
      const method = ['POST', 'PUT', 'PATCH'][Math.floor(rand() * 3)];
      const path = paths[Math.floor(rand() * paths.length)] + (method === 'POST' ? '' : '/keeper');
      const contentType = method === 'PATCH' ? ['application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'][Math.floor(rand() * 4)] : 'application/json';
      try {
        await s.api.request(path, { method, body, contentType, query: method === 'PATCH' ? { fieldManager: 'fuzz' } : undefined });
      } catch (err) {
        assert.ok(err instanceof StatusError, `non-Status failure: ${err}`);
        assert.ok(err.code >= 400 && err.code < 500, `server error ${err.code} for ${method} ${path} ${body}: ${err.message}`);
      }
    }
    assert.equal((await s.c.k(['get', '--raw', '/healthz'])).trim(), 'ok');
    const still = await s.api.get<any>(`${CMS}/keeper`);
    assert.equal(still.metadata.uid, keep.metadata.uid);
  });
});
