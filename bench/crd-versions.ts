// `npm run bench -- crd-versions`: what serving a CRD at two versions costs, in process (no HTTP):
// the heap its objects take (one watch cache, the storage version's, for both versions) and how
// long a whole list takes at the storage version and at the other one, whose objects are converted
// on every read — with the same schema as the storage version (apiVersion rewritten) and with a
// schema of its own (copied and defaulted by it, as upstream defaults on read).
import { ResourceCatalog } from '../src/api/catalog.js';
import { parseCidr } from '../src/api/cidr.js';
import type { KubeObject } from '../src/api/object.js';
import { OpenApiSpec } from '../src/api/schema.js';
import { CRD_GROUP, CRD_RESOURCE, CustomResourceServing } from '../src/apiserver/apiextensions/custom-resource-serving.js';
import { AdmissionChain } from '../src/apiserver/admission/types.js';
import { systemContext } from '../src/apiserver/context.js';
import { Registry } from '../src/apiserver/registry/registry.js';
import { strategies } from '../src/apiserver/registry/strategies/index.js';
import { MemoryStore } from '../src/storage/memory.js';
import { nowMs } from './stats.js';

export interface CrdVersionsBenchOptions {
  objects: number;
  lists: number;
}

const NAMES = { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' };
const schema = (extra: Record<string, unknown> = {}) => ({
  openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { color: { type: 'string' }, n: { type: 'integer' }, ...extra } } } },
});

export async function crdVersionsBench(o: CrdVersionsBenchOptions): Promise<Record<string, unknown>> {
  return {
    objects: o.objects,
    same_schema: await measure(o, schema()),
    own_schema: await measure(o, schema({ size: { type: 'string', default: 'small' } })),
  };
}

async function measure(o: CrdVersionsBenchOptions, v2Schema: object): Promise<Record<string, number>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const catalog = new ResourceCatalog(OpenApiSpec.shared());
  const registry = new Registry(catalog, new MemoryStore(), new AdmissionChain([]), strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } }));
  await registry.start();
  const serving = new CustomResourceServing(registry, catalog);
  await serving.start();
  try {
    const crds = registry.get(CRD_GROUP, CRD_RESOURCE);
    const created = await crds.create(systemContext(), '', {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: NAMES, versions: [{ name: 'v1', served: true, storage: true, schema: schema() }, { name: 'v2', served: true, storage: false, schema: v2Schema }] },
    } as unknown as KubeObject);
    const status = { ...(created.status as object), acceptedNames: NAMES, storedVersions: ['v1'], conditions: [{ type: 'Established', status: 'True' }, { type: 'NamesAccepted', status: 'True' }] };
    await crds.update(systemContext(), '', 'gadgets.example.com', { ...created, status }, { subresource: 'status' });
    await serving.sync();
    const v1 = registry.find('example.com', 'v1', 'gadgets')!;
    const v2 = registry.find('example.com', 'v2', 'gadgets')!;
    gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < o.objects; i++) {
      await v1.create(systemContext(), 'default', { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: `g${i}`, labels: { app: 'bench' } }, spec: { color: 'red', n: i } } as KubeObject);
    }
    gc?.();
    const heap = process.memoryUsage().heapUsed - before;
    const listMs = async (store: typeof v1) => {
      const start = nowMs();
      for (let r = 0; r < o.lists; r++) await store.present(store.cache.list());
      return Math.round(((nowMs() - start) / o.lists) * 10) / 10;
    };
    return { heap_mib: gc ? Math.round((heap / 2 ** 20) * 10) / 10 : -1, list_storage_version_ms: await listMs(v1), list_other_version_ms: await listMs(v2) };
  } finally {
    serving.stop();
    registry.stop();
  }
}
