import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, WatchEvent } from '../api/object.js';
import type { RestClient } from './rest-client.js';
import { R } from './resources.js';
import { HandlerRegistrations, SharedInformers } from './shared-informers.js';

/** A client whose lists return `items` and whose watch events the test sends. */
function fakeClient(items: KubeObject[]) {
  const watchers: ((e: WatchEvent<KubeObject>) => void)[] = [];
  const client = {
    list: async () => ({ metadata: { resourceVersion: '1' }, items }),
    watch: (_path: string, _query: unknown, onEvent: (e: WatchEvent<KubeObject>) => void) => {
      watchers.push(onEvent);
      return { done: new Promise<void>(() => undefined), stop: () => undefined };
    },
  };
  return { client: client as unknown as RestClient, send: (e: WatchEvent<KubeObject>) => { for (const w of watchers) w(e); }, watchers };
}

const pod = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { namespace: 'default', name, resourceVersion: rv, managedFields: [{ manager: 'm', operation: 'Update' }] },
});

test('one informer per resource: both users see every event, managedFields stripped; removed handlers see nothing more', async () => {
  const { client, send, watchers } = fakeClient([pod('a', '1')]);
  const informers = new SharedInformers(client);
  assert.equal(informers.get(R.pods), informers.get(R.pods));
  await informers.waitForSync();
  assert.equal(watchers.length, 1);
  assert.equal(informers.get(R.pods).get('default/a')?.metadata.managedFields, undefined);

  const seenByFirst: string[] = [];
  const seenBySecond: string[] = [];
  const first = new HandlerRegistrations();
  const second = new HandlerRegistrations();
  first.add(informers.get(R.pods), { add: o => seenByFirst.push(`add ${o.metadata.name}`), update: (_, o) => seenByFirst.push(`update ${o.metadata.name}`) });
  second.add(informers.get(R.pods), { add: o => seenBySecond.push(`add ${o.metadata.name}`) });
  send({ type: 'ADDED', object: pod('b', '2') });
  first.removeAll();
  send({ type: 'MODIFIED', object: pod('b', '3') });
  send({ type: 'ADDED', object: pod('c', '4') });

  assert.deepEqual(seenByFirst, ['add a', 'add b']);
  assert.deepEqual(seenBySecond, ['add a', 'add b', 'add c']);
  informers.stop();
});
