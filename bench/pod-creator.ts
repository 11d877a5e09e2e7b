// The scheduler benchmark's pod creator, on a thread of its own. Upstream's scheduler_perf creates
// pods from goroutines that Go runs on other cores than the scheduler under test; on one Node
// event loop the creates would instead take turns with the scheduler and the measured figure would
// be the two together. Here the creator has its own event loop and connections, and the scheduler
// keeps the main thread.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';

export interface CreatePodsTask {
  kubeconfig: string;
  namespace: string;
  /** Pod names are `${prefix}${i}` for i in [0, count). */
  prefix: string;
  count: number;
  concurrency: number;
}

/** Upstream's config/templates/pod-default.yaml. */
const podBody = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: 'scheduler' } },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] },
});

/** Runs `create(i)` for i in [0, count) with `concurrency` in flight. */
export async function createAll(count: number, concurrency: number, create: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) await create(i);
  }));
}

/** Creates the pods on a worker thread; resolves once every create was answered. */
export function createPodsInWorker(task: CreatePodsTask): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: task });
    worker.once('message', (m: { error?: string }) => (m.error ? reject(new Error(m.error)) : resolve()));
    worker.once('error', reject);
    worker.once('exit', code => reject(new Error(`pod creator exited with ${code} before finishing`)));
  });
}

async function runTask(t: CreatePodsTask): Promise<void> {
  const client = new RestClient(loadKubeconfig(t.kubeconfig), 'k8ts-bench');
  try {
    await createAll(t.count, t.concurrency, i => client.create(`/api/v1/namespaces/${t.namespace}/pods`, podBody(`${t.prefix}${i}`)));
  } finally {
    client.close();
  }
}

if (parentPort && workerData) {
  const port = parentPort;
  runTask(workerData as CreatePodsTask).then(() => port.postMessage({}), err => port.postMessage({ error: (err as Error).message }));
}
