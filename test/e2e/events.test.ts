// Event correlation end to end: a component's recorder against a real `k8ts server`, read back
// with the real kubectl. Repeats of one event become one Event with a count (`kubectl events` prints
// "(x3 over …)"); many messages of one reason about one object collapse into a combined Event.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import { ApiEventRecorder } from '../../src/client/event-recorder.js';
import type { KubeObject } from '../../src/api/object.js';
import { TestCluster, eventually } from './harness.js';

interface EventLike { metadata: { name: string }; reason: string; message: string; count: number; source: { component: string } }

describe('event correlation with kubectl', () => {
  let c: TestCluster;
  let client: RestClient;
  let target: KubeObject;

  before(async () => {
    c = await TestCluster.start();
    client = new RestClient(loadKubeconfig(c.kubeconfig), 'events-e2e');
    target = await client.create<KubeObject>('/api/v1/namespaces/default/configmaps', { metadata: { name: 'watched' } });
    target.kind = 'ConfigMap';
    target.apiVersion = 'v1';
  });

  after(async () => {
    client?.close();
    await c?.stop();
  });

  const eventsAbout = async (reason: string) => JSON.parse(await c.k(['get', 'events', '-o', 'json', '--field-selector', `involvedObject.name=watched,reason=${reason}`])).items as EventLike[];

  test('an event reported three times is one Event with count 3', async () => {
    const recorder = new ApiEventRecorder(client, 'events-e2e');
    for (let i = 0; i < 3; i++) recorder.event(target, 'Warning', 'Repeated', 'the same thing happened');
    const events = await eventually(async () => {
      const items = await eventsAbout('Repeated');
      return items.length === 1 && items[0].count === 3 && items;
    }, 20_000, 'one Event with count 3');
    assert.equal(events[0].message, 'the same thing happened');
    assert.equal(events[0].source.component, 'events-e2e');
    // `kubectl events` prints the count client-side, as "<last> (x3 over <first>)".
    const table = await c.k(['events', '--for', 'configmap/watched', '--types', 'Warning']);
    assert.match(table, /\(x3 over \S+\)\s+Warning\s+Repeated\s+ConfigMap\/watched\s+the same thing happened/);
  });

  test('ten different messages of one reason are combined', async () => {
    const recorder = new ApiEventRecorder(client, 'events-e2e');
    for (let i = 1; i <= 12; i++) recorder.event(target, 'Normal', 'Varied', `attempt ${i}`);
    const events = await eventually(async () => {
      const items = await eventsAbout('Varied');
      return items.length === 10 && items.some(e => e.count === 3) && items;
    }, 20_000, 'nine plain Events and one combined Event with count 3');
    const combined = events.find(e => e.message.startsWith('(combined from similar events): '))!;
    assert.equal(combined.count, 3);
    assert.equal(combined.message, '(combined from similar events): attempt 12');
    assert.deepEqual(events.filter(e => e !== combined).map(e => e.message).sort(), Array.from({ length: 9 }, (_, i) => `attempt ${i + 1}`).sort());
  });
});

describe('event expiry (--event-ttl)', () => {
  let c: TestCluster;

  before(async () => {
    c = await TestCluster.start({ extraArgs: ['--event-ttl', '6s'] });
  });

  after(async () => {
    await c?.stop();
  });

  const event = (name: string) => JSON.stringify({
    apiVersion: 'v1', kind: 'Event', metadata: { name },
    involvedObject: { kind: 'Node', name: 'n1' }, reason: 'Test', message: name, type: 'Normal', count: 1,
  });
  const exists = async (name: string) => (await c.kubectl(['get', 'event', name])).code === 0;

  test('an Event not written for the TTL is removed; one written meanwhile stays', async () => {
    await c.k(['create', '-f', '-'], event('idle'));
    await c.k(['create', '-f', '-'], event('busy'));
    const start = Date.now();
    // Written every half second, `busy` outlives the TTL twice over while `idle` expires; the gap
    // between writes stays well inside the TTL even when kubectl takes seconds on a loaded machine.
    for (let i = 1; Date.now() - start < 13_000; i++) {
      await c.k(['patch', 'event', 'busy', '--type', 'merge', '-p', JSON.stringify({ count: i + 1 })]);
      await new Promise(r => setTimeout(r, 500));
    }
    assert.equal(await exists('idle'), false, 'idle Event expired');
    assert.equal(await exists('busy'), true, 'busy Event kept');
    await eventually(async () => !(await exists('busy')), 20_000, 'busy Event to expire once left alone');
  });
});
