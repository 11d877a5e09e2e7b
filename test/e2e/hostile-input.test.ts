// Hostile input against a real server, driven by the real kubectl and raw HTTPS: keys named like
// Object.prototype's members are data, malformed queries and bodies get upstream's Status, and the
// server's limits (body size, nesting depth, ...) hold.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suiteCluster } from './support/suite-cluster.js';

/** Keys of a ConfigMap's data, in order, from `kubectl get -o json`. */
async function dataOf(s: ReturnType<typeof suiteCluster>, name: string): Promise<Record<string, string>> {
  return JSON.parse(await s.c.k(['get', 'configmap', name, '-o', 'json'])).data;
}

/** Whether the server's Object.prototype carries `namespace`: every cluster-scoped object would then seem namespaced. */
async function polluted(s: ReturnType<typeof suiteCluster>): Promise<boolean> {
  const out = await s.c.k(['get', 'namespaces', '--field-selector', 'metadata.namespace=polluted', '-o', 'name']);
  return out.trim() !== '';
}

describe('hostile input', () => {
  const s = suiteCluster({ api: true, scratch: 'k8ts-hostile-' });

  test('__proto__ and constructor keys round-trip through create, get, patch, apply and replace', async () => {
    const cm = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'proto' }, data })
      // JSON.stringify of an object literal cannot hold an own __proto__ key; spell it.
      .replace('"__proto__X"', '"__proto__"');
    const file = join(s.dir, 'proto.json');
    writeFileSync(file, cm({ __proto__X: 'p', constructor: 'c', toString: 't' } as Record<string, string>));
    await s.c.k(['create', '-f', file]);
    assert.deepEqual(Object.entries(await dataOf(s, 'proto')), [['__proto__', 'p'], ['constructor', 'c'], ['toString', 't']]);

    await s.c.k(['patch', 'configmap', 'proto', '--type', 'merge', '-p', '{"data":{"__proto__":"p2","constructor":null}}']);
    assert.deepEqual(Object.entries(await dataOf(s, 'proto')), [['__proto__', 'p2'], ['toString', 't']]);
    await s.c.k(['patch', 'configmap', 'proto', '--type', 'strategic', '-p', '{"data":{"constructor":"c3","__proto__":"p3"}}']);
    assert.deepEqual(await dataOf(s, 'proto'), JSON.parse('{"__proto__":"p3","toString":"t","constructor":"c3"}'));
    await s.c.k(['patch', 'configmap', 'proto', '--type', 'json', '-p', '[{"op":"replace","path":"/data/__proto__","value":"p4"},{"op":"remove","path":"/data/toString"}]']);
    assert.deepEqual(await dataOf(s, 'proto'), JSON.parse('{"constructor":"c3","__proto__":"p4"}'));

    writeFileSync(file, cm({ __proto__X: 'p5', constructor: 'c5' } as Record<string, string>));
    await s.c.k(['apply', '--server-side', '--force-conflicts', '-f', file]);
    assert.deepEqual(await dataOf(s, 'proto'), JSON.parse('{"constructor":"c5","__proto__":"p5"}'));
    const applied = JSON.parse(await s.c.k(['get', 'configmap', 'proto', '-o', 'json', '--show-managed-fields']));
    const owner = applied.metadata.managedFields.find((e: any) => e.operation === 'Apply');
    assert.deepEqual(Object.keys(owner.fieldsV1['f:data']).sort(), ['f:__proto__', 'f:constructor']);

    const live = JSON.parse(await s.c.k(['get', 'configmap', 'proto', '-o', 'json']));
    const replaced = JSON.stringify({ ...live, data: undefined }).replace(/}$/, ',"data":{"__proto__":"p6","constructor":"c6","hasOwnProperty":"h"}}');
    writeFileSync(file, replaced);
    await s.c.k(['replace', '-f', file]);
    assert.deepEqual(Object.entries(await dataOf(s, 'proto')), [['__proto__', 'p6'], ['constructor', 'c6'], ['hasOwnProperty', 'h']]);
    assert.equal(await polluted(s), false);
  });

  test('a __proto__ member in any patch reaches no prototype of the server', async () => {
    await s.c.k(['create', 'configmap', 'target', '--from-literal=a=1']);
    const probe = '{"__proto__":{"namespace":"polluted"}}';
    const nested = '{"metadata":{"__proto__":{"namespace":"polluted"}},"data":{"__proto__":{"namespace":"polluted"}}}';
    for (const type of ['merge', 'strategic']) {
      for (const body of [probe, nested]) {
        // The patch may be refused (data values must be strings); it must not pollute.
        await s.c.kubectl(['patch', 'configmap', 'target', '--type', type, '-p', body]);
        assert.equal(await polluted(s), false, `${type} ${body}`);
      }
    }
    // An object without such members: the paths lead nowhere.
    await s.c.k(['create', 'configmap', 'plain', '--from-literal=a=1']);
    for (const path of ['/__proto__/namespace', '/metadata/__proto__/namespace', '/constructor/prototype/namespace']) {
      const r = await s.c.kubectl(['patch', 'configmap', 'plain', '--type', 'json', '-p', JSON.stringify([{ op: 'add', path, value: 'polluted' }])]);
      assert.notEqual(r.code, 0, path);
      assert.equal(await polluted(s), false, path);
    }
    const file = join(s.dir, 'apply.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\n  __proto__:\n    namespace: polluted\n__proto__:\n  namespace: polluted\n');
    await s.c.kubectl(['apply', '--server-side', '-f', file]);
    assert.equal(await polluted(s), false);
    assert.equal((await dataOf(s, 'target')).a, '1');
  });
});
