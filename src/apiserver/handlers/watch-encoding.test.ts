import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceInfo } from '../../api/catalog.js';
import type { Negotiated } from '../http/negotiate.js';
import type { CachedObject } from '../registry/watch-cache.js';
import { WatchEncoder } from './watch-encoding.js';

const info = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' } as ResourceInfo;
const asStored: Negotiated = { encoding: 'json', transform: 'none' };
const cached = (name: string): CachedObject => ({
  key: `/registry/configmaps/ns/${name}`, revision: 7,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: '7' }, data: { k: 'ü' } },
});
const parse = (line: Buffer) => {
  const text = line.toString('utf8');
  assert.ok(text.endsWith('}\n') && !text.slice(0, -1).includes('\n'), 'one line');
  return JSON.parse(text) as { type: string; object: Record<string, unknown> };
};

test("an event's line is the same bytes for every watcher of objects as stored, made once per type", () => {
  const c = cached('a');
  const [w1, w2] = [new WatchEncoder(info, asStored, 'Object', undefined, true), new WatchEncoder(info, asStored, 'Object', undefined, true)];
  const line = w1.line('ADDED', c);
  assert.deepEqual(parse(line), { type: 'ADDED', object: c.object });
  assert.equal(w2.line('ADDED', c), line, 'the same Buffer');
  const modified = w2.line('MODIFIED', c);
  assert.deepEqual(parse(modified), { type: 'MODIFIED', object: c.object });
  assert.equal(w1.line('MODIFIED', c), modified);
});

test("a watch's initial objects and a converting store's objects get lines of their own", () => {
  const c = cached('b');
  const shared = new WatchEncoder(info, asStored, 'Object', undefined, true);
  const initial = shared.line('ADDED', c, false);
  assert.deepEqual(parse(initial), { type: 'ADDED', object: c.object });
  assert.notEqual(shared.line('ADDED', c, false), initial);
  const converting = new WatchEncoder(info, asStored, 'Object', undefined, false);
  const own = converting.line('ADDED', c);
  assert.deepEqual(parse(own), { type: 'ADDED', object: c.object });
  assert.notEqual(converting.line('ADDED', c), own);
  assert.notEqual(shared.line('ADDED', c), own);
});

test('metadata-only watches send PartialObjectMetadata; bookmarks carry the revision and annotations', () => {
  const c = cached('c');
  const meta = new WatchEncoder(info, { encoding: 'json', transform: 'PartialObjectMetadata' }, 'Object', undefined, true);
  assert.deepEqual(parse(meta.line('DELETED', c)), { type: 'DELETED', object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: c.object.metadata } });
  assert.deepEqual(parse(meta.bookmark(9, { 'k8s.io/initial-events-end': 'true' })), {
    type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '9', annotations: { 'k8s.io/initial-events-end': 'true' } } },
  });
});
