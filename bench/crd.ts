// Custom resource benchmark against any Kubernetes API server (kubeconfig): create throughput and
// latency, LIST, and watch delivery latency of a custom resource whose CRD has a schema and five
// CEL rules, beside ConfigMaps of the same size in the same run — what serving through a CRD
// (schema pruning, defaulting, validation, CEL) costs over a built-in kind. Prints one JSON object;
// removes its CRD (with its objects) and namespace.
import type { KubeObject } from '../src/api/object.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { watchLatency } from './api.js';
import { concurrently } from './concurrently.js';
import { nowMs, summarize } from './stats.js';

export interface CrdBenchOptions {
  kubeconfig: string;
  objects: number;
  concurrency: number;
  watchers: number;
  watchUpdates: number;
}

const GROUP = 'bench.k8ts.io';
const PAYLOAD = 'x'.repeat(1024 - 64);

function crd(plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP, scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind: 'BenchWidget' },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['payload'],
                properties: {
                  payload: { type: 'string', maxLength: 4096 },
                  replicas: { type: 'integer', default: 1 },
                  color: { type: 'string', default: 'blue' },
                  seq: { type: 'string' },
                  owner: { type: 'string' },
                },
                'x-kubernetes-validations': [
                  { rule: 'self.replicas >= 0', message: 'replicas must not be negative' },
                  { rule: 'self.replicas <= 1000', message: 'at most 1000 replicas' },
                  { rule: 'self.payload.size() <= 2048', message: 'payload too long' },
                  { rule: "self.color in ['red', 'green', 'blue']", message: 'unknown colour' },
                  { rule: "!has(self.owner) || self.owner.startsWith('team-')", message: 'owner must be a team' },
                ],
              },
            },
          },
        },
      }],
    },
  };
}

export async function crdBench(o: CrdBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const id = Date.now().toString(36);
  const ns = `bench-crd-${id}`;
  const plural = `benchwidgets${id}`;
  const crdPath = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${plural}.${GROUP}`;
  await client.create('/api/v1/namespaces', { metadata: { name: ns } });
  try {
    await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd(plural));
    const established = await waitEstablished(client, crdPath, `/apis/${GROUP}/v1/namespaces/${ns}/${plural}`);
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    const crs = `/apis/${GROUP}/v1/namespaces/${ns}/${plural}`;
    const configMaps = await measure(client, o, cms, (name, seq) => ({ metadata: { name, labels: { 'k8ts-bench': 'crd' } }, data: { payload: PAYLOAD, seq } }), {
      patch: seq => ({ data: { seq } }),
      seqOf: obj => (obj as unknown as { data: { seq: string } }).data.seq,
    });
    const custom = await measure(client, o, crs, (name, seq) => ({ apiVersion: `${GROUP}/v1`, kind: 'BenchWidget', metadata: { name, labels: { 'k8ts-bench': 'crd' } }, spec: { payload: PAYLOAD, seq, owner: 'team-bench' } }), {
      patch: seq => ({ spec: { seq } }),
      seqOf: obj => (obj as unknown as { spec: { seq: string } }).spec.seq,
    });
    return {
      target: client.config.server,
      objects: o.objects,
      concurrency: o.concurrency,
      crd_established_ms: established,
      custom_resource: custom,
      configmap: configMaps,
      create_throughput_ratio: Number(((custom.creates_per_second as number) / (configMaps.creates_per_second as number)).toFixed(2)),
    };
  } finally {
    await client.delete(crdPath).catch(() => undefined);
    await client.delete(`/api/v1/namespaces/${ns}`).catch(() => undefined);
    client.close();
  }
}

/** Milliseconds until the CRD is Established and its collection answers. */
async function waitEstablished(client: RestClient, crdPath: string, collection: string): Promise<number> {
  const start = nowMs();
  for (let i = 0; i < 300; i++) {
    const got = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(crdPath);
    if (got.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')) {
      const served = await client.list(collection).then(() => true, () => false);
      if (served) return Math.round(nowMs() - start);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`${crdPath} was not established`);
}

async function measure(client: RestClient, o: CrdBenchOptions, path: string, body: (name: string, seq: string) => object, seq: Parameters<typeof watchLatency>[5]): Promise<Record<string, unknown>> {
  const createLatencies: number[] = [];
  const t0 = nowMs();
  await concurrently(o.objects, o.concurrency, async i => {
    const s = nowMs();
    await client.create(path, body(`obj-${i}`, '0'));
    createLatencies.push(nowMs() - s);
  });
  const createSeconds = (nowMs() - t0) / 1000;
  const listTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = nowMs();
    const list = await client.list(path, { labelSelector: 'k8ts-bench=crd' });
    listTimes.push(nowMs() - s);
    if (list.items.length !== o.objects) throw new Error(`LIST ${path} returned ${list.items.length} of ${o.objects}`);
  }
  const watch = await watchLatency(client, path, body('watched', '0') as KubeObject, o.watchers, o.watchUpdates, seq);
  return {
    creates_per_second: Math.round(o.objects / createSeconds),
    create_latency_ms: summarize(createLatencies),
    list_ms: summarize(listTimes),
    watch,
  };
}
