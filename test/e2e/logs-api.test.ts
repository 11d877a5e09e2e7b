// The cluster log API of the server: nodes ship lines (only their own), anyone searches but sees only
// namespaces where they may get pods/log, `k8ts logs search` filters, and retention removes old lines.
// (The agent shipping real containers' lines is logs-shipping.test.ts; here a node identity posts batches.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import { eventually, K8TS_BIN, run, TestCluster } from './harness.js';
import { certificateKubeconfig } from './support/user-kubeconfig.js';

let c: TestCluster;
let node: RestClient;
const now = Date.now();

const source = (namespace: string, pod: string, app: string) => ({ namespace, pod, podUid: `${pod}-uid`, container: 'main', node: 'n1', labels: { app } });

before(async () => {
  c = await TestCluster.start({ extraArgs: ['--log-retention', '1h'] });
  node = new RestClient(loadKubeconfig(await certificateKubeconfig(c, 'system:node:n1', ['system:nodes'])));
  const r = await node.request<{ stored: number }>('/logs/v1/ingest', {
    method: 'POST',
    body: {
      batches: [
        { source: source('shop', 'web-1', 'web'), file: 'c1/1', fromOffset: 0, toOffset: 100, lines: [
          { timeMs: now - 2 * 3_600_000, stream: 'stdout', line: 'ancient checkout line' },
          { timeMs: now, stream: 'stdout', line: 'checkout ok order=1' },
          { timeMs: now + 1, stream: 'stderr', line: 'checkout failed order=2' },
        ] },
        { source: source('data', 'db-0', 'db'), file: 'c2/1', fromOffset: 0, toOffset: 50, lines: [{ timeMs: now, stream: 'stdout', line: 'checkout table vacuumed' }] },
      ],
    },
  });
  assert.equal(r.stored, 4);
});

after(async () => {
  node?.close();
  await c?.stop();
});

async function search(kubeconfig: string, ...args: string[]) {
  return run(process.execPath, [K8TS_BIN, 'logs', 'search', '--kubeconfig', kubeconfig, '--output', 'json', ...args]);
}

test('a resent batch is not stored twice, and the node learns where to resume', async () => {
  const r = await node.request<{ stored: number }>('/logs/v1/ingest', {
    method: 'POST', body: { batches: [{ source: source('data', 'db-0', 'db'), file: 'c2/1', fromOffset: 0, toOffset: 50, lines: [{ timeMs: now, stream: 'stdout', line: 'checkout table vacuumed' }] }] },
  });
  assert.equal(r.stored, 0);
  assert.deepEqual(await node.request('/logs/v1/offsets', { query: { file: 'c2/1' } }), { file: 'c2/1', offset: 50 });
});

test('a node cannot ship lines of another node', async () => {
  await assert.rejects(node.request('/logs/v1/ingest', { method: 'POST', body: { batches: [{ source: { ...source('shop', 'x', 'x'), node: 'n2' }, file: 'x', fromOffset: 0, toOffset: 1, lines: [] }] } }), /403|cannot ship logs of node "n2"/);
});

test('the admin finds lines newest first, filtered by namespace, selector and since', async () => {
  const all = await search(c.kubeconfig, 'checkout');
  assert.equal(all.code, 0, all.stderr);
  const lines = JSON.parse(all.stdout).items.map((i: { line: string }) => i.line);
  assert.deepEqual(lines.slice(0, 3).sort(), ['checkout failed order=2', 'checkout ok order=1', 'checkout table vacuumed'].sort());
  assert.equal(lines[0], 'checkout failed order=2');
  const shop = JSON.parse((await search(c.kubeconfig, 'checkout', '--namespace', 'shop', '--since', '30s')).stdout).items;
  assert.deepEqual(shop.map((i: { line: string }) => i.line), ['checkout failed order=2', 'checkout ok order=1']);
  assert.equal(shop[0].stream, 'stderr');
  const db = JSON.parse((await search(c.kubeconfig, 'checkout', '--selector', 'app=db')).stdout).items;
  assert.deepEqual(db.map((i: { pod: string }) => i.pod), ['db-0']);
});

test('a user sees only namespaces where it may get pods/log', async () => {
  await c.k(['create', 'namespace', 'shop']);
  await c.k(['create', 'role', 'log-reader', '-n', 'shop', '--verb=get', '--resource=pods/log']);
  await c.k(['create', 'rolebinding', 'alice-logs', '-n', 'shop', '--role=log-reader', '--user=alice']);
  const alice = await certificateKubeconfig(c, 'alice');
  const mine = await eventually(async () => {
    const r = JSON.parse((await search(alice, 'checkout')).stdout).items as { namespace: string }[];
    return r.length ? r : undefined;
  }, 20_000, 'alice to see the shop lines');
  assert.deepEqual([...new Set(mine.map(i => i.namespace))], ['shop']);
  const denied = await search(alice, 'checkout', '--namespace', 'data');
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /forbidden/);
  const bob = await certificateKubeconfig(c, 'bob');
  assert.deepEqual(JSON.parse((await search(bob, 'checkout')).stdout).items, []);
});

test('retention removes lines older than --log-retention', async () => {
  await eventually(async () => {
    const r = JSON.parse((await search(c.kubeconfig, 'ancient')).stdout).items;
    return r.length === 0;
  }, 90_000, 'the line older than the retention to be removed (a sweep a minute)');
});
