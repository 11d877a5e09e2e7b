// Pods with local-path claims against pods without volumes, on the same node in the same run. Each
// phase creates N pods at once and measures each from its create request until a watch shows it
// Running; the volume phase first creates N claims at once (class local-path: WaitForFirstConsumer,
// so each is provisioned only once the scheduler has placed its pod), so its figures include
// VolumeBinding's PreBind, the provisioner's directory and PV, the PV controller's binding and the
// kubelet's mount. Afterwards the claims are deleted and the time until the provisioner has removed
// every volume is reported too.
import { StatusError } from '../src/api/errors.js';
import type { KubeObject } from '../src/api/object.js';
import { Informer } from '../src/client/informer.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';
import { collectionPath, objectPath, R } from '../src/client/resources.js';
import { BUSYBOX_IMAGE } from '../src/kubelet/images/builtin.js';
import { onlyRealNode, until } from './pod-startup.js';
import { nowMs, summarize } from './stats.js';

export interface PvcBenchOptions {
  kubeconfig: string;
  pods: number;
  /** The node to fill; default the only Ready real node. */
  node?: string;
  storageClass: string;
  timeoutMs?: number;
}

interface PodLike extends KubeObject {
  status?: { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] };
}

const started = (p: PodLike) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).length > 0 &&
  p.status.containerStatuses!.every(c => c.state?.running);

export async function pvcBench(o: PvcBenchOptions): Promise<Record<string, unknown>> {
  const client = new RestClient(loadKubeconfig(o.kubeconfig), 'k8ts-bench');
  const timeoutMs = o.timeoutMs ?? 10 * 60_000;
  try {
    const node = o.node ?? await onlyRealNode(client);
    const plain = await phase(client, node, o, false, timeoutMs);
    const withClaims = await phase(client, node, o, true, timeoutMs);
    return {
      node, pods: o.pods, storageClass: o.storageClass,
      withoutVolumes: plain,
      withClaims,
      /** p50 and p99 with claims over those without: the target is at most 2. */
      ratio: { p50: round(withClaims.createToRunningMs.p50 / plain.createToRunningMs.p50), p99: round(withClaims.createToRunningMs.p99 / plain.createToRunningMs.p99) },
    };
  } finally {
    client.close();
  }
}

async function phase(client: RestClient, node: string, o: PvcBenchOptions, claims: boolean, timeoutMs: number) {
  const ns = `bench-pvc-${claims ? 'claims' : 'plain'}-${Date.now().toString(36)}`;
  const podsPath = collectionPath(R.pods, ns);
  const names = Array.from({ length: o.pods }, (_, i) => `p-${String(i).padStart(4, '0')}`);
  await client.create(collectionPath(R.namespaces), { metadata: { name: ns } });
  const pods = new Informer<PodLike>(client, podsPath);
  const pvs = new Informer<KubeObject & { spec?: { claimRef?: { namespace?: string } } }>(client, collectionPath(R.persistentvolumes));
  const sentAt = new Map<string, number>();
  const runningAt = new Map<string, number>();
  const seen = (p: PodLike) => { if (!runningAt.has(p.metadata.name!) && started(p)) runningAt.set(p.metadata.name!, nowMs()); };
  pods.on({ add: seen, update: (_, p) => seen(p) });
  try {
    pods.start();
    pvs.start();
    await Promise.all([pods.waitForSync(), pvs.waitForSync()]);
    if (claims) {
      await Promise.all(names.map(n => client.create(collectionPath(R.persistentvolumeclaims, ns), {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: n },
        spec: { storageClassName: o.storageClass, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } },
      })));
    }
    const t0 = nowMs();
    await Promise.all(names.map(n => {
      sentAt.set(n, nowMs());
      return client.create(podsPath, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: n },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': node }, terminationGracePeriodSeconds: 1,
          containers: [{ name: 'c', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'], volumeMounts: claims ? [{ name: 'data', mountPath: '/data' }] : undefined }],
          volumes: claims ? [{ name: 'data', persistentVolumeClaim: { claimName: n } }] : undefined,
        },
      });
    }));
    await until(() => names.every(n => runningAt.has(n)), timeoutMs, `${o.pods} pods to run (${names.filter(n => runningAt.has(n)).length} running)`);
    const allRunningSeconds = (nowMs() - t0) / 1000;
    const d0 = nowMs();
    await client.delete(objectPath(R.namespaces, undefined, ns));
    // With claims: the namespace's claims go after their pods, then the provisioner removes each
    // Released volume (directory and PV).
    await until(() => pods.list().length === 0 && !pvs.list().some(v => v.spec?.claimRef?.namespace === ns), timeoutMs, 'pods and volumes to be deleted');
    return {
      createToRunningMs: summarize(names.map(n => runningAt.get(n)! - sentAt.get(n)!)),
      allRunningSeconds: round(allRunningSeconds),
      deleteAllSeconds: round((nowMs() - d0) / 1000),
    };
  } finally {
    pods.stop();
    pvs.stop();
    await client.delete(objectPath(R.namespaces, undefined, ns)).catch(err => {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
