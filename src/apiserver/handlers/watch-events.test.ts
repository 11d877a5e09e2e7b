import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import type { CacheEvent, CachedObject } from '../registry/watch-cache.js';
import { watchEventsFor } from './watch-events.js';

const obj = (name: string, namespace: string, labels: Record<string, string>, revision: number): CachedObject => ({
  key: `/registry/configmaps/${namespace}/${name}`, revision, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels } },
});
const blue = (o: KubeObject) => o.metadata.labels?.color === 'blue';
const all = () => true;
const show = (events: CacheEvent[], namespace: string, match: (o: KubeObject) => boolean) =>
  watchEventsFor(events, namespace, match).map(e => `${e.type} ${e.object.object.metadata.namespace}/${e.object.object.metadata.name}`);

test('without selectors every event passes as it is', () => {
  const a = obj('a', 'ns', {}, 2);
  const events: CacheEvent[] = [
    { type: 'ADDED', revision: 2, current: a },
    { type: 'MODIFIED', revision: 3, current: { ...a, revision: 3 }, previous: a },
    { type: 'DELETED', revision: 4, current: { ...a, revision: 4 } },
  ];
  assert.deepEqual(show(events, '', all), ['ADDED ns/a', 'MODIFIED ns/a', 'DELETED ns/a']);
});

test('selectors: starting to match is ADDED, ceasing is DELETED, never matching is nothing (table)', () => {
  const cases: { name: string; event: CacheEvent; want: string[] }[] = [
    { name: 'added, matching', event: { type: 'ADDED', revision: 2, current: obj('a', 'ns', { color: 'blue' }, 2) }, want: ['ADDED ns/a'] },
    { name: 'added, not matching', event: { type: 'ADDED', revision: 2, current: obj('a', 'ns', {}, 2) }, want: [] },
    { name: 'modified into the selector', event: { type: 'MODIFIED', revision: 3, current: obj('a', 'ns', { color: 'blue' }, 3), previous: obj('a', 'ns', {}, 2) }, want: ['ADDED ns/a'] },
    { name: 'modified out of the selector', event: { type: 'MODIFIED', revision: 3, current: obj('a', 'ns', {}, 3), previous: obj('a', 'ns', { color: 'blue' }, 2) }, want: ['DELETED ns/a'] },
    { name: 'modified, matching before and after', event: { type: 'MODIFIED', revision: 3, current: obj('a', 'ns', { color: 'blue' }, 3), previous: obj('a', 'ns', { color: 'blue' }, 2) }, want: ['MODIFIED ns/a'] },
    { name: 'modified, never matching', event: { type: 'MODIFIED', revision: 3, current: obj('a', 'ns', {}, 3), previous: obj('a', 'ns', {}, 2) }, want: [] },
    { name: 'modified without the previous state, matching', event: { type: 'MODIFIED', revision: 3, current: obj('a', 'ns', { color: 'blue' }, 3) }, want: ['MODIFIED ns/a'] },
    { name: 'deleted, matching', event: { type: 'DELETED', revision: 4, current: obj('a', 'ns', { color: 'blue' }, 4) }, want: ['DELETED ns/a'] },
    { name: 'deleted, not matching', event: { type: 'DELETED', revision: 4, current: obj('a', 'ns', {}, 4) }, want: [] },
  ];
  for (const c of cases) assert.deepEqual(show([c.event], '', blue), c.want, c.name);
});

test('a namespaced watch sees only its namespace', () => {
  const events: CacheEvent[] = [
    { type: 'ADDED', revision: 2, current: obj('a', 'one', {}, 2) },
    { type: 'ADDED', revision: 3, current: obj('b', 'two', {}, 3) },
  ];
  assert.deepEqual(show(events, 'two', all), ['ADDED two/b']);
  assert.deepEqual(show(events, '', all), ['ADDED one/a', 'ADDED two/b']);
});
