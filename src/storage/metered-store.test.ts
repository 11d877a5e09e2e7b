import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from '../metrics/registry.js';
import { parseExposition, series } from '../metrics/testing/prometheus-text.js';
import { MemoryStore } from './memory.js';
import { MeteredStore } from './metered-store.js';
import { EtcdClient } from './etcd/client.js';
import { EtcdStore } from './etcd/etcd-store.js';
import { EtcdMember, freePort } from './etcd/member.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { StorageMetrics } from './storage-metrics.js';
import { CompareFailedError, KeyExistsError, prefixEnd, StoreClosedError } from './types.js';

test('each request is counted and timed by operation and resource type; only failures to answer are errors', async () => {
  const registry = new Registry();
  const backend = new MemoryStore();
  const metrics = new StorageMetrics(registry, () => backend.dbSize());
  const cms = new MeteredStore(backend, metrics, 'configmaps');
  const deploys = new MeteredStore(backend, metrics, 'deployments.apps');

  const rev = await cms.create('/registry/configmaps/a/x', '{}');
  await assert.rejects(cms.create('/registry/configmaps/a/x', '{}'), KeyExistsError);
  await cms.update('/registry/configmaps/a/x', '{"a":1}', rev);
  await cms.get('/registry/configmaps/a/missing');
  await cms.range('/registry/configmaps/', prefixEnd('/registry/configmaps/'));
  await cms.range('/registry/configmaps/', prefixEnd('/registry/configmaps/'), { countOnly: true });
  await deploys.create('/registry/apps/deployments/a/d', '{}');
  await cms.delete('/registry/configmaps/a/x');
  await backend.close();
  await assert.rejects(cms.get('/registry/configmaps/a/x'), StoreClosedError);

  const families = parseExposition(await registry.metrics());
  assert.equal(families.get('etcd_request_duration_seconds')?.type, 'histogram');
  assert.equal(families.get('etcd_requests_total')?.type, 'counter');
  assert.equal(families.get('etcd_request_errors_total')?.type, 'counter');
  const count = (name: string, operation: string, type = 'configmaps') => series(families, name, { operation, type }).map(s => s.value);
  assert.deepEqual(count('etcd_requests_total', 'create'), [2], 'a create that found the key is a request, not an error');
  assert.deepEqual(count('etcd_request_duration_seconds_count', 'create'), [2]);
  assert.deepEqual(count('etcd_requests_total', 'create', 'deployments.apps'), [1]);
  for (const op of ['update', 'list', 'listWithCount', 'delete']) assert.deepEqual(count('etcd_requests_total', op), [1], op);
  assert.deepEqual(count('etcd_requests_total', 'get'), [2]);
  assert.deepEqual(count('etcd_request_errors_total', 'get'), [1], 'the read of a closed store failed');
  assert.deepEqual(count('etcd_request_errors_total', 'create'), [], 'a key that exists is no error');
  // Upstream's buckets, shared with apiserver_request_duration_seconds.
  const buckets = series(families, 'etcd_request_duration_seconds_bucket', { operation: 'update', type: 'configmaps' }).map(s => s.labels.le);
  assert.deepEqual(buckets, ['0.005', '0.025', '0.05', '0.1', '0.2', '0.4', '0.6', '0.8', '1', '1.25', '1.5', '2', '3', '4', '5', '6', '8', '10', '15', '20', '30', '45', '60', '+Inf']);
  assert.deepEqual(series(families, 'apiserver_storage_size_bytes'), [], 'a memory store has no database file');
});

test('apiserver_storage_size_bytes is the SQLite database file\'s size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-metered-'));
  const store = SqliteStore.open(join(dir, 'state.db'));
  try {
    const registry = new Registry();
    new StorageMetrics(registry, () => store.dbSize());
    for (let i = 0; i < 50; i++) await store.create(`/registry/configmaps/a/c${i}`, JSON.stringify({ data: 'x'.repeat(2000) }));
    const [size] = series(parseExposition(await registry.metrics()), 'apiserver_storage_size_bytes', { storage_cluster_id: 'etcd-0' });
    // 50 values of 2 kB: the database's pages (as the reading connection sees them, WAL included) hold them all.
    assert.ok(size && size.value >= 100_000, `size ${size?.value}`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on etcd: requests are measured the same way, and the size is etcd\'s own dbSize', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-metered-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const member = await EtcdMember.start({
    name: 'm0', dataDir: join(dir, 'm0'), logFile: join(dir, 'm0.log'),
    clientUrls: [`http://127.0.0.1:${clientPort}`], peerUrls: [`http://127.0.0.1:${peerPort}`],
  });
  const store = await EtcdStore.open(new EtcdClient({ endpoints: member.options.clientUrls }));
  try {
    const registry = new Registry();
    const metrics = new StorageMetrics(registry, () => store.dbSize());
    const cms = new MeteredStore(store, metrics, 'configmaps');
    const rev = await cms.create('/registry/configmaps/a/x', '{}');
    await assert.rejects(cms.update('/registry/configmaps/a/x', '{}', rev + 100), CompareFailedError);
    const families = parseExposition(await registry.metrics());
    assert.deepEqual(series(families, 'etcd_requests_total', { operation: 'create', type: 'configmaps' }).map(s => s.value), [1]);
    assert.deepEqual(series(families, 'etcd_requests_total', { operation: 'update', type: 'configmaps' }).map(s => s.value), [1]);
    assert.deepEqual(series(families, 'etcd_request_errors_total'), [], 'a failed compare is an answer, not an error');
    const [size] = series(families, 'apiserver_storage_size_bytes', { storage_cluster_id: 'etcd-0' });
    // bbolt allocates its file in pages; a fresh member's is already several of them.
    assert.ok(size && size.value >= 16_384, `dbSize ${size?.value}`);
  } finally {
    await store.close();
    await member.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
