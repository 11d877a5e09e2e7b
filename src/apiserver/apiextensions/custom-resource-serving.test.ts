import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { OpenApiSpec } from '../../api/schema.js';
import { parseCidr } from '../../api/cidr.js';
import { MemoryStore } from '../../storage/memory.js';
import { AdmissionChain } from '../admission/types.js';
import { systemContext } from '../context.js';
import { clone } from '../patch/json.js';
import { Registry } from '../registry/registry.js';
import { strategies } from '../registry/strategies/index.js';
import type { CacheEvent } from '../registry/watch-cache.js';
import { CRD_GROUP, CRD_RESOURCE, CustomResourceServing } from './custom-resource-serving.js';

const schema = (withDefault: boolean) => ({
  openAPIV3Schema: {
    type: 'object',
    properties: { spec: { type: 'object', properties: { color: { type: 'string' }, size: withDefault ? { type: 'string', default: 'small' } : { type: 'string' } } } },
  },
});

function gadgets(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
      versions: [
        { name: 'v1', served: true, storage: true, schema: schema(false) },
        { name: 'v2', served: true, storage: false, schema: schema(true) },
      ],
    },
    status: {
      acceptedNames: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
      conditions: [{ type: 'Established', status: 'True' }, { type: 'NamesAccepted', status: 'True' }],
      storedVersions: ['v1'],
    },
  } as unknown as KubeObject;
}

async function served() {
  const catalog = new ResourceCatalog(OpenApiSpec.shared());
  const registry = new Registry(catalog, new MemoryStore(), new AdmissionChain([]), strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } }));
  await registry.start();
  const serving = new CustomResourceServing(registry, catalog);
  await serving.start();
  const crds = registry.get(CRD_GROUP, CRD_RESOURCE);
  const created = await crds.create(systemContext(), '', gadgets());
  // The status the CRD controller would write.
  const crd = (await crds.update(systemContext(), '', 'gadgets.example.com', { ...clone(created), status: { ...(created.status as object), ...(gadgets().status as object) } }, { subresource: 'status' })).object;
  await serving.sync();
  return { registry, serving, crds, crd };
}

test('the versions of a CRD share one watch cache, each reading its objects at its own version', async () => {
  const { registry, serving } = await served();
  const v1 = registry.find('example.com', 'v1', 'gadgets')!;
  const v2 = registry.find('example.com', 'v2', 'gadgets')!;
  assert.equal(v1.cache, v2.cache);

  await v1.create(systemContext(), 'default', { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { color: 'red' } } as KubeObject);
  const written = await v2.create(systemContext(), 'default', { apiVersion: 'example.com/v2', kind: 'Gadget', metadata: { name: 'g2' }, spec: { color: 'blue' } } as KubeObject);
  assert.equal(written.apiVersion, 'example.com/v2');
  assert.equal(v1.cache.size, 2);
  assert.equal(v1.getCached('default', 'g2')!.object.apiVersion, 'example.com/v1');
  const atV1 = await v1.read('default', 'g1');
  assert.equal(atV1.apiVersion, 'example.com/v1');
  // Defaults are each version's own: v1 has none for size, v2 does.
  assert.deepEqual(atV1.spec, { color: 'red' });
  const atV2 = await v2.read('default', 'g1');
  assert.equal(atV2.apiVersion, 'example.com/v2');
  assert.deepEqual(atV2.spec, { color: 'red', size: 'small' });
  // Reading at v2 leaves the shared (v1) object as it is.
  assert.equal(v1.getCached('default', 'g1')!.object.apiVersion, 'example.com/v1');
  const listed = await v2.present(v2.cache.list());
  assert.deepEqual(listed.map(c => c.object.apiVersion), ['example.com/v2', 'example.com/v2']);
  serving.stop();
  registry.stop();
});

test('status-only and metadata-only CRD updates keep the stores and their watchers; a spec change replaces them', async () => {
  const { registry, serving, crds, crd } = await served();
  const before = registry.find('example.com', 'v1', 'gadgets')!;
  let stopped = false;
  before.cache.onStop(() => (stopped = true));
  const events: CacheEvent[] = [];
  before.cache.subscribe(e => events.push(...e));

  const withStatus = clone(crd);
  (withStatus.status as { conditions: unknown[] }).conditions.push({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress' });
  const updated = (await crds.update(systemContext(), '', 'gadgets.example.com', withStatus, { subresource: 'status' })).object;
  const labelled = clone(updated);
  labelled.metadata.labels = { team: 'tools' };
  const relabelled = (await crds.update(systemContext(), '', 'gadgets.example.com', labelled)).object;
  await serving.sync();
  assert.equal(registry.find('example.com', 'v1', 'gadgets'), before);
  assert.equal(stopped, false);

  // While the CRD is terminating, new objects are refused as upstream refuses them.
  await assert.rejects(
    before.create(systemContext(), 'default', { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g2' } } as KubeObject),
    { code: 403, message: 'gadgets.example.com "g2" is forbidden: create not allowed while custom resource definition is terminating' },
  );

  const respecified = clone(relabelled);
  (respecified.spec as { versions: { schema: unknown }[] }).versions[0].schema = schema(true);
  await crds.update(systemContext(), '', 'gadgets.example.com', respecified);
  await serving.sync();
  assert.notEqual(registry.find('example.com', 'v1', 'gadgets'), before);
  assert.equal(stopped, true);
  serving.stop();
  registry.stop();
});

test('a version unserved leaves the shared watch cache running for the versions still served', async () => {
  const { registry, serving } = await served();
  const v1 = registry.find('example.com', 'v1', 'gadgets')!;
  let stopped = false;
  v1.cache.onStop(() => { stopped = true; });
  registry.unserveDynamic('example.com', 'v2', 'gadgets');
  assert.equal(stopped, false, 'v1 still reads the cache');
  await v1.create(systemContext(), 'default', { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'after' }, spec: {} } as KubeObject);
  assert.ok(v1.getCached('default', 'after'), 'the cache still follows the store');
  registry.unserveDynamic('example.com', 'v1', 'gadgets');
  assert.equal(stopped, true, 'no served store reads it any more');
  serving.stop();
  registry.stop();
});
