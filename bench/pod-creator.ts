// The scheduler benchmark's pod creator, on a thread of its own. Upstream's scheduler_perf creates
// pods from goroutines that Go runs on other cores than the scheduler under test; on one Node
// event loop the creates would instead take turns with the scheduler and the measured figure would
// be the two together. Here the creator has its own event loop and connections, and the scheduler
// keeps the main thread. One thread serves every batch, so the measured one starts on warm
// connections and no thread start-up falls inside the measurement.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { concurrently } from './concurrently.js';

interface CreatorSettings {
  kubeconfig: string;
  namespace: string;
  concurrency: number;
}

/** A batch: pods `${prefix}${i}` for i in [0, count); `undefined` ends the thread. */
type Batch = { prefix: string; count: number } | undefined;
type Reply = { error?: string };

/** Upstream's config/templates/pod-default.yaml. */
const podBody = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: 'scheduler' } },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] },
});

export class PodCreator {
  private readonly worker: Worker;

  constructor(settings: CreatorSettings) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: settings });
  }

  /** Creates the batch's pods; resolves once every create was answered. */
  create(prefix: string, count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`pod creator exited with ${code} before finishing`));
      this.worker.once('error', reject);
      this.worker.once('exit', onExit);
      this.worker.once('message', (m: Reply) => {
        this.worker.off('error', reject);
        this.worker.off('exit', onExit);
        if (m.error) reject(new Error(m.error));
        else resolve();
      });
      this.worker.postMessage({ prefix, count } satisfies Batch);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage(undefined satisfies Batch);
    await new Promise(resolve => this.worker.once('exit', resolve));
  }
}

function serve(port: NonNullable<typeof parentPort>, s: CreatorSettings): void {
  const client = new RestClient(loadKubeconfig(s.kubeconfig), 'k8ts-bench');
  port.on('message', (batch: Batch) => {
    if (!batch) {
      client.close();
      port.close();
      return;
    }
    concurrently(batch.count, s.concurrency, i => client.create(`/api/v1/namespaces/${s.namespace}/pods`, podBody(`${batch.prefix}${i}`)))
      .then(() => port.postMessage({} satisfies Reply), err => port.postMessage({ error: (err as Error).message } satisfies Reply));
  });
}

if (parentPort && workerData) serve(parentPort, workerData as CreatorSettings);
