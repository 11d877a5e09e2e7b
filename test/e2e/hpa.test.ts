// Horizontal pod autoscaling on a real node: a busybox Deployment (100m CPU requested and allowed)
// whose pods spin while a switch file exists on a hostPath the test owns, autoscaled with the real
// `kubectl autoscale --cpu-percent=50` and given short behavior windows. With the switch on it
// grows from 1 to more replicas, with it off it returns to 1 — not before its scale-down
// stabilization window — and `kubectl get hpa`, the status and the events say so as upstream's do.
// The metrics come from the built-in metrics API (metrics.k8s.io), scraped every 2 s here; the
// autoscaler syncs every 3 s. Without nodes or metrics, the scale targets: a custom resource and a
// StatefulSet brought within min/max through their scale subresources, a kind nobody serves, and
// the autoscaler's series on the server's /metrics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';
import { deployment } from './support/pods.js';
import { suiteCluster } from './support/suite-cluster.js';

const NS = 'autoscale';
const SCALE_DOWN_WINDOW_S = 10;
const SYNC_PERIOD_S = 3;

/** Spins in 2 s bursts while /switch/burn exists, idles otherwise. */
const BURN = 'while :; do if [ -e /switch/burn ]; then timeout 2 sh -c "while :; do :; done"; else sleep 1; fi; done';

interface Hpa {
  spec: { behavior?: unknown };
  status: { currentReplicas?: number; desiredReplicas: number; lastScaleTime?: string; conditions?: { type: string; status: string; reason: string; message: string }[] };
}

describe('HorizontalPodAutoscaler on CPU utilization', { timeout: 240_000 }, () => {
  let c: NetnsCluster;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-hpa-switch-'));
    c = await NetnsCluster.start({ agents: 0, serverArgs: ['--metric-resolution', '2s', '--horizontal-pod-autoscaler-sync-period', `${SYNC_PERIOD_S}s`] });
    await c.k(['create', 'namespace', NS]);
    await c.k(['apply', '-n', NS, '-f', '-'], deployment('burner', 1, {
      terminationGracePeriodSeconds: 0,
      volumes: [{ name: 'switch', hostPath: { path: dir, type: 'Directory' } }],
      containers: [{
        name: 'burn', image: BUSYBOX_IMAGE, command: ['sh', '-c', BURN],
        resources: { requests: { cpu: '100m' }, limits: { cpu: '100m' } },
        volumeMounts: [{ name: 'switch', mountPath: '/switch', readOnly: true }],
      }],
    }));
    await c.k(['rollout', 'status', '-n', NS, 'deployment/burner', '--timeout=90s']);
  });

  after(async () => {
    await c?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const hpa = async (): Promise<Hpa> => JSON.parse(await c.k(['get', 'hpa', '-n', NS, 'burner', '-o', 'json']));
  const replicas = async () => JSON.parse(await c.k(['get', 'deployment', '-n', NS, 'burner', '-o', 'json'])).spec.replicas as number;
  const rescales = async () => (await c.k(['get', 'events', '-n', NS, '--field-selector', 'reason=SuccessfulRescale', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']))
    .trim().split('\n').filter(Boolean);

  test('kubectl autoscale: scales up while the pods burn CPU, back to 1 after the scale-down window', async () => {
    assert.match(await c.k(['autoscale', 'deployment', 'burner', '-n', NS, '--cpu-percent=50', '--min=1', '--max=3']), /horizontalpodautoscaler.autoscaling\/burner autoscaled/);
    await c.k(['patch', 'hpa', 'burner', '-n', NS, '--type=merge', '-p', JSON.stringify({
      spec: { behavior: { scaleDown: { stabilizationWindowSeconds: SCALE_DOWN_WINDOW_S, policies: [{ type: 'Percent', value: 100, periodSeconds: 5 }] } } },
    })]);
    // Idle: a reading near 0 % (below target, but already at minReplicas), able to scale.
    await eventually(async () => (await hpa()).status.conditions?.some(x => x.type === 'ScalingActive' && x.status === 'True'), 60_000, 'ScalingActive=True');
    assert.equal(await replicas(), 1);
    // A sync after a scrape cycle that left the node out (at a 2 s resolution, one slower than 1.8 s)
    // shows <unknown> until the next: read a row with a utilization.
    const idle = await eventually(async () => {
      const row = (await c.k(['get', 'hpa', '-n', NS, 'burner', '--no-headers'])).trim().split(/\s{2,}/);
      return /^cpu: \d+%\/50%$/.test(row[2]) && row;
    }, 30_000, 'the HPA row with a utilization');
    assert.equal(idle[1], 'Deployment/burner');
    assert.deepEqual(idle.slice(3, 6), ['1', '3', '1']);

    writeFileSync(join(dir, 'burn'), '');
    await eventually(async () => (await replicas()) > 1, 90_000, 'a scale-up');
    const table = await eventually(async () => { const t = await c.k(['get', 'hpa', '-n', NS]); return /cpu: \d+%\/50%/.test(t) && t; }, 30_000, 'the HPA table with a utilization');
    assert.match(table, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    assert.match(table, /^burner\s+Deployment\/burner\s+cpu: \d+%\/50%\s+1\s+3\s+\d\s+\S+$/m);
    const up = await rescales();
    assert.match(up[0], /^New size: [23]; reason: cpu resource utilization \(percentage of request\) above target$/);
    assert.equal(await c.k(['get', 'events', '-n', NS, '--field-selector', 'reason=SuccessfulRescale', '-o', 'jsonpath={.items[0].source.component}']), 'horizontal-pod-autoscaler');
    const scaledUp = await hpa();
    assert.ok(scaledUp.status.lastScaleTime);
    assert.ok(scaledUp.status.desiredReplicas > 1);
    // autoscaling/v1 reads the same object with the CPU percentage.
    const v1 = await eventually(async () => {
      const o = JSON.parse(await c.k(['get', '--raw', `/apis/autoscaling/v1/namespaces/${NS}/horizontalpodautoscalers/burner`]));
      return typeof o.status.currentCPUUtilizationPercentage === 'number' && o;
    }, 30_000, 'autoscaling/v1 with the current CPU percentage');
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 50);

    unlinkSync(join(dir, 'burn'));
    const stopped = Date.now();
    await eventually(async () => (await replicas()) === 1, 90_000, 'the scale-down to 1');
    // The last high recommendation came at most a sync period before the switch went off, and
    // the scale-down waits out the window after it.
    const waited = Date.now() - stopped;
    assert.ok(waited >= (SCALE_DOWN_WINDOW_S - SYNC_PERIOD_S) * 1000, `scaled down after only ${waited} ms`);
    assert.equal((await rescales()).at(-1), 'New size: 1; reason: All metrics below target');
    const down = await hpa();
    assert.equal(down.status.desiredReplicas, 1);
    assert.deepEqual(down.status.conditions?.map(x => x.type), ['AbleToScale', 'ScalingActive', 'ScalingLimited']);
  });
});

const WORKER_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'workers.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced', names: { plural: 'workers', singular: 'worker', kind: 'Worker' },
    versions: [{
      name: 'v1', served: true, storage: true,
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' } } } } } },
      subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
    }],
  },
};

describe('HorizontalPodAutoscaler scale targets', { timeout: 120_000 }, () => {
  const s = suiteCluster({ start: { extraArgs: ['--horizontal-pod-autoscaler-sync-period', '1s'] } });

  const conditions = async (name: string) => (JSON.parse(await s.c.k(['get', 'hpa', name, '-o', 'json'])) as Hpa).status.conditions ?? [];
  const events = async (name: string) => (await s.c.k(['get', 'events', '--field-selector', `involvedObject.name=${name},involvedObject.kind=HorizontalPodAutoscaler`,
    '-o', 'jsonpath={range .items[*]}{.source.component} {.type} {.reason}: {.message}{"\\n"}{end}'])).trim().split('\n');

  test('a custom resource with a scale subresource is brought down to maxReplicas; without a selector, scaling stops', async () => {
    await s.c.k(['apply', '-f', '-'], JSON.stringify(WORKER_CRD));
    await eventually(async () => (await s.c.kubectl(['get', 'workers'])).code === 0, 30_000, 'the Worker kind');
    await s.c.k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Worker', metadata: { name: 'w' }, spec: { replicas: 9 } }));
    await s.c.k(['autoscale', 'worker', 'w', '--min=2', '--max=4', '--cpu-percent=60']);
    await eventually(async () => (await s.c.k(['get', 'worker', 'w', '-o', 'jsonpath={.spec.replicas}'])) === '4', 30_000, 'Worker w scaled to 4');
    await eventually(async () => (await conditions('w')).some(c => c.type === 'ScalingActive' && c.reason === 'InvalidSelector'), 30_000, 'ScalingActive=False/InvalidSelector');
    const log = await events('w');
    assert.ok(log.includes('horizontal-pod-autoscaler Normal SuccessfulRescale: New size: 4; reason: Current number of replicas above Spec.MaxReplicas'), log.join('\n'));
    assert.ok(log.includes('horizontal-pod-autoscaler Warning SelectorRequired: selector is required'), log.join('\n'));
    assert.match(await s.c.k(['get', 'hpa', 'w', '--no-headers']), /^w\s+Worker\/w\s+cpu: <unknown>\/60%\s+2\s+4\s+\d\s+\S+\s*$/);
  });

  test('a StatefulSet below minReplicas is raised to it', async () => {
    await s.c.k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
      spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'busybox' }] } } },
    }));
    await s.c.k(['autoscale', 'statefulset', 'db', '--min=3', '--max=5']);
    await eventually(async () => (await s.c.k(['get', 'statefulset', 'db', '-o', 'jsonpath={.spec.replicas}'])) === '3', 30_000, 'StatefulSet db scaled to 3');
    assert.ok((await events('db')).includes('horizontal-pod-autoscaler Normal SuccessfulRescale: New size: 3; reason: Current number of replicas below Spec.MinReplicas'));
  });

  test('the server\'s /metrics counts the autoscaler\'s reconciliations', async () => {
    const text = await s.c.k(['get', '--raw', '/metrics']);
    assert.match(text, /^horizontal_pod_autoscaler_controller_reconciliations_total\{action="scale_down",error="none"\} [1-9]\d*$/m);
    assert.match(text, /^horizontal_pod_autoscaler_controller_reconciliations_total\{action="scale_up",error="none"\} [1-9]\d*$/m);
    assert.match(text, /^horizontal_pod_autoscaler_controller_reconciliations_total\{action="none",error="internal"\} [1-9]\d*$/m);
  });

  test('a target kind nobody serves: AbleToScale=False/FailedGetScale', async () => {
    await s.c.k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'ghost' },
      spec: { scaleTargetRef: { apiVersion: 'nowhere.example.com/v1', kind: 'Ghost', name: 'g' }, maxReplicas: 3 },
    }));
    const message = 'the HPA controller was unable to get the target\'s current scale: no matches for kind "Ghost" in group "nowhere.example.com"';
    await eventually(async () => (await conditions('ghost')).some(c => c.type === 'AbleToScale' && c.status === 'False' && c.reason === 'FailedGetScale' && c.message === message), 30_000, 'AbleToScale=False/FailedGetScale');
  });
});
