// The history end to end below HTTP: a real GenericStore on the in-memory backend tells the
// recorder of each write, which the SQLite history keeps; retention, Secret redaction and
// survival of a clean close are checked on the database itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory.js';
import { AdmissionChain } from '../admission/types.js';
import type { RequestContext } from '../context.js';
import { GenericStore } from '../registry/generic-store.js';
import { HistoryStore } from './history-store.js';
import { historyRecorder, redactSecret } from './recorder.js';

const as = (username: string, fieldManager?: string): RequestContext =>
  ({ user: { username, groups: ['team', 'system:authenticated'] }, userAgent: 'kubectl/v1.32.0 (linux/amd64)', dryRun: false, fieldManager, fieldValidation: 'Ignore', warnings: [] });

async function setup(retentionMs = 3_600_000, now = () => Date.now()) {
  const dir = mkdtempSync(join(tmpdir(), 'history-'));
  const history = new HistoryStore(dir, retentionMs, now);
  const stores = new Map<string, GenericStore>();
  const storeFor = async (resource: string) => {
    const info = ResourceCatalog.shared().find('', 'v1', resource)!;
    const store = new GenericStore(info, new MemoryStore(), {}, new AdmissionChain([]));
    store.observer = historyRecorder(history, now);
    await store.start();
    stores.set(resource, store);
    return store;
  };
  return { dir, history, storeFor, done: () => { history.close(); for (const s of stores.values()) s.cache.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

const configMap = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data });

test('every write is recorded with who made it, how, and the object as stored', async () => {
  const { history, storeFor, done } = await setup();
  try {
    const cms = await storeFor('configmaps');
    await cms.create(as('alice'), 'ns', configMap({ a: '1' }));
    await cms.patch(as('bob', 'my-tool'), 'ns', 'cm', live => ({ ...live!, data: { a: '2' } }));
    await cms.update(as('alice'), 'ns', 'cm', configMap({ a: '3' }));
    await cms.patch(as('bob', 'unchanged'), 'ns', 'cm', live => live!); // no change: no write, no record
    await cms.delete(as('carol'), 'ns', 'cm');
    const revs = history.revisions('', 'configmaps', 'ns', 'cm', true);
    assert.deepEqual(revs.map(r => [r.operation, r.user, r.fieldManager]), [
      ['create', 'alice', 'kubectl'], ['patch', 'bob', 'my-tool'], ['update', 'alice', 'kubectl'], ['delete', 'carol', 'kubectl'],
    ]);
    assert.deepEqual(revs.map(r => r.object?.data), [{ a: '1' }, { a: '2' }, { a: '3' }, { a: '3' }]);
    assert.deepEqual(revs[0].groups, ['team', 'system:authenticated']);
    assert.equal(revs[0].userAgent, 'kubectl/v1.32.0 (linux/amd64)');
    assert.ok(revs.every((r, i) => i === 0 || r.revision > revs[i - 1].revision));
    assert.ok(Number(revs[1].resourceVersion) > Number(revs[0].resourceVersion));
    assert.equal(history.revisions('', 'configmaps', 'ns', 'cm', false)[0].object, undefined);
    assert.deepEqual(history.revisions('', 'configmaps', 'other', 'cm', false), []);
  } finally { done(); }
});

test('a dry run is not recorded', async () => {
  const { history, storeFor, done } = await setup();
  try {
    const cms = await storeFor('configmaps');
    await cms.create({ ...as('alice'), dryRun: true }, 'ns', configMap({ a: '1' }));
    assert.deepEqual(history.revisions('', 'configmaps', 'ns', 'cm', false), []);
  } finally { done(); }
});

test('a Secret\'s values are kept only as SHA-256 hashes, keys stay visible', async () => {
  const { history, storeFor, done } = await setup();
  try {
    const secrets = await storeFor('secrets');
    await secrets.create(as('alice'), 'ns', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: Buffer.from('hunter2').toString('base64') } });
    const [rev] = history.revisions('', 'secrets', 'ns', 's', true);
    // sha256("hunter2")
    assert.deepEqual(rev.object?.data, { password: 'sha256:f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7' });
    assert.deepEqual(redactSecret({ metadata: {}, stringData: { k: 'hunter2' } }).stringData, rev.object?.data && { k: (rev.object.data as Record<string, string>).password });
  } finally { done(); }
});

test('revisions older than the retention window are not returned and are pruned', async () => {
  let clock = 1_000_000;
  const { history, storeFor, done } = await setup(60_000, () => clock);
  try {
    const cms = await storeFor('configmaps');
    await cms.create(as('alice'), 'ns', configMap({ a: '1' }));
    clock += 50_000;
    await cms.patch(as('bob'), 'ns', 'cm', live => ({ ...live!, data: { a: '2' } }));
    clock += 20_000; // the first is now 70 s old
    assert.deepEqual(history.revisions('', 'configmaps', 'ns', 'cm', false).map(r => r.user), ['bob']);
    assert.equal(history.prune(), 1);
  } finally { done(); }
});

test('records queued off the request path survive a clean close', async () => {
  const { dir, history, storeFor, done } = await setup();
  try {
    const cms = await storeFor('configmaps');
    await cms.create(as('alice'), 'ns', configMap({ a: '1' }));
    history.close(); // before the flush interval
    const reopened = new HistoryStore(dir, 3_600_000);
    assert.deepEqual(reopened.revisions('', 'configmaps', 'ns', 'cm', false).map(r => r.user), ['alice']);
    reopened.close();
  } finally { done(); }
});
