// Watch semantics over HTTP: initial events with sendInitialEvents and the end-of-initial-events
// bookmark, selector transitions (an object leaving a selector is DELETED for that watcher),
// and resuming from a resourceVersion.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, WatchEvent } from '../../src/api/object.js';
import { eventually } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('watch', () => {
  const s = suiteCluster({ api: true });

  const collect = (query: Record<string, string | boolean>) => {
    const events: WatchEvent<KubeObject>[] = [];
    const h = s.api.watch<KubeObject>(CMS, query, e => events.push(e));
    return { events, stop: () => h.stop() };
  };

  test('sendInitialEvents: current objects, then a bookmark marking the end', async () => {
    await s.api.create(CMS, { metadata: { name: 'init-a', labels: { w: 'x' } } });
    await s.api.create(CMS, { metadata: { name: 'init-b', labels: { w: 'x' } } });
    const w = collect({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true, labelSelector: 'w=x' });
    try {
      await eventually(() => w.events.some(e => e.type === 'BOOKMARK'), 10_000, 'initial-events-end bookmark');
      const names = w.events.filter(e => e.type === 'ADDED').map(e => e.object.metadata.name).sort();
      assert.deepEqual(names, ['init-a', 'init-b']);
      const bookmark = w.events.find(e => e.type === 'BOOKMARK')!;
      assert.equal(bookmark.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
      assert.ok(Number(bookmark.object.metadata.resourceVersion) > 0);
    } finally {
      w.stop();
    }
  });

  test('an object leaving the selector is DELETED for that watcher, entering it is ADDED', async () => {
    const created = await s.api.create<KubeObject>(CMS, { metadata: { name: 'mover', labels: { tier: 'a' } } });
    const w = collect({ labelSelector: 'tier=a', resourceVersion: created.metadata.resourceVersion! });
    try {
      await s.api.patch(`${CMS}/mover`, { metadata: { labels: { tier: 'b' } } }, 'merge');
      await s.api.patch(`${CMS}/mover`, { metadata: { labels: { tier: 'a' } } }, 'merge');
      await eventually(() => w.events.length >= 2, 10_000, 'two events');
      assert.deepEqual(w.events.map(e => `${e.type} ${e.object.metadata.labels?.tier}`), ['DELETED b', 'ADDED a']);
    } finally {
      w.stop();
    }
  });

  test('resuming from a resourceVersion replays exactly the later changes', async () => {
    const list = await s.api.list(CMS);
    const rv = list.metadata.resourceVersion!;
    await s.api.create(CMS, { metadata: { name: 'later-1' } });
    await s.api.delete(`${CMS}/later-1`);
    const w = collect({ resourceVersion: rv });
    try {
      await eventually(() => w.events.length >= 2, 10_000, 'replayed events');
      assert.deepEqual(w.events.map(e => `${e.type} ${e.object.metadata.name}`), ['ADDED later-1', 'DELETED later-1']);
      assert.ok(Number(w.events[1].object.metadata.resourceVersion) > Number(w.events[0].object.metadata.resourceVersion));
    } finally {
      w.stop();
    }
  });
});
