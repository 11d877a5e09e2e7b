// Nothing acknowledged is lost: SIGKILL the server in the middle of a write load, restart it on
// the same data dir, and every object whose create was acknowledged is there with its
// resourceVersion; a watch from an old resourceVersion resumes (or gets 410 once compacted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject, WatchEvent } from '../../src/api/object.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import { TestCluster, eventually } from './harness.js';

test('acknowledged writes survive SIGKILL; watches resume from an old resourceVersion', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-durable-'));
  try {
    let c = await TestCluster.start({ dataDir });
    let client = new RestClient(loadKubeconfig(c.kubeconfig));
    const acked = new Map<string, string>();
    const firstRV = (await client.list('/api/v1/namespaces/default/configmaps')).metadata.resourceVersion!;
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `cm-${w}-${i}`;
        try {
          const obj = await client.create<KubeObject>('/api/v1/namespaces/default/configmaps', { metadata: { name }, data: { v: 'x'.repeat(512) } });
          acked.set(name, obj.metadata.resourceVersion!);
        } catch {
          return; // the server died mid-request: this write was never acknowledged
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await eventually(() => acked.size >= 200, 30_000, '200 acknowledged writes');
    await c.stop('SIGKILL', true);
    stop = true;
    await Promise.all(writers);
    client.close();
    assert.ok(acked.size >= 200);

    c = await TestCluster.start({ dataDir });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
    try {
      const list = await client.list('/api/v1/namespaces/default/configmaps');
      const stored = new Map(list.items.map(i => [i.metadata.name!, i.metadata.resourceVersion!]));
      for (const [name, rv] of acked) assert.equal(stored.get(name), rv, `acknowledged ${name}@${rv} after restart`);
      assert.ok(Number(list.metadata.resourceVersion) >= Math.max(...[...acked.values()].map(Number)));

      // A new write gets a revision above everything acknowledged before the crash.
      const fresh = await client.create<KubeObject>('/api/v1/namespaces/default/configmaps', { metadata: { name: 'after-restart' } });
      assert.ok(Number(fresh.metadata.resourceVersion) > Math.max(...[...acked.values()].map(Number)));

      // Watching from before the load replays the creates in order (the history is still there).
      const seen: string[] = [];
      const w = client.watch<KubeObject>('/api/v1/namespaces/default/configmaps', { resourceVersion: firstRV }, (e: WatchEvent<KubeObject>) => {
        if (e.type === 'ADDED') seen.push(e.object.metadata.name!);
        if (e.type === 'ERROR') seen.push(`ERROR ${(e.object as unknown as { code: number }).code}`);
      });
      await eventually(() => seen.includes('after-restart') || seen.some(s => s.startsWith('ERROR')), 15_000, 'replayed watch');
      w.stop();
      // Without compaction the whole history is there: no error, every create replayed.
      assert.ok(!seen.some(s => s.startsWith('ERROR')), `watch replay failed: ${seen.find(s => s.startsWith('ERROR'))}`);
      for (const name of acked.keys()) assert.ok(seen.includes(name), `watch replayed ${name}`);
    } finally {
      client.close();
      await c.stop('SIGTERM', true);
    }

    // With compaction on, the old revision is gone: the watch gets 410 Gone as its first event.
    c = await TestCluster.start({ dataDir, extraArgs: ['--etcd-compaction-interval', '1s'] });
    client = new RestClient(loadKubeconfig(c.kubeconfig));
    try {
      await client.create('/api/v1/namespaces/default/configmaps', { metadata: { name: 'tick' } });
      const answer = await eventually(async () => {
        const first = await new Promise<string>(resolve => {
          const h = client.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: firstRV }, e => {
            resolve(e.type === 'ERROR' ? `ERROR ${(e.object as unknown as { code: number }).code}` : e.type);
            h.stop();
          });
          h.done.catch(err => resolve(String(err)));
        });
        return first === 'ERROR 410' ? first : undefined;
      }, 20_000, 'watch from a compacted revision to get 410');
      assert.equal(answer, 'ERROR 410');
    } finally {
      client.close();
      await c.stop('SIGTERM', true);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
