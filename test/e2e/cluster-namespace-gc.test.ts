// Namespace deletion, garbage collection (background, foreground, orphan), the per-namespace
// defaults (ServiceAccount, root CA ConfigMap), ResourceQuota enforcement and Endpoints /
// EndpointSlices, with the real kubectl against `k8ts server` and simulated nodes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './harness.js';
import { getJson } from './cluster-sim.js';
import { suiteCluster } from './support/suite-cluster.js';

interface Meta { name: string; namespace?: string; deletionTimestamp?: string; finalizers?: string[]; ownerReferences?: { kind: string; name: string }[] }
interface ObjLike { metadata: Meta }

const replicaSet = (name: string) => `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: ${name}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: busybox, ports: [{name: http, containerPort: 8080}]}]}
`;

describe('namespaces, garbage collection, quotas and endpoints', () => {
  const s = suiteCluster({ simNodes: { count: 2, prefix: 'gc-' } });

  const names = async (args: string[]) => (await getJson<{ items: ObjLike[] }>(s.c, ['get', ...args])).items.map(o => o.metadata.name).sort();
  const gone = async (args: string[]) => (await s.c.kubectl(['get', ...args])).stderr.includes('NotFound');

  test('a new namespace gets the default ServiceAccount and kube-root-ca.crt', async () => {
    await s.c.k(['create', 'namespace', 'fresh']);
    await eventually(async () => (await names(['serviceaccounts', '-n', 'fresh'])).includes('default'), 20_000, 'default service account');
    const cm = await eventually(async () => (await s.c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'json'])).stdout, 20_000, 'root CA configmap');
    assert.match(JSON.parse(cm).data['ca.crt'], /-----BEGIN CERTIFICATE-----/);
    await s.c.k(['delete', 'serviceaccount', 'default', '-n', 'fresh']);
    await eventually(async () => (await names(['serviceaccounts', '-n', 'fresh'])).includes('default'), 20_000, 'default service account recreated');
  });

  test('deleting a namespace removes its contents, then the namespace', async () => {
    await s.c.k(['create', 'namespace', 'doomed']);
    await s.c.k(['apply', '-n', 'doomed', '-f', '-'], replicaSet('web'));
    await s.c.k(['create', 'configmap', 'cfg', '-n', 'doomed', '--from-literal=a=b']);
    await s.c.k(['create', 'service', 'clusterip', 'svc', '-n', 'doomed', '--tcp=80:8080']);
    await eventually(async () => (await names(['pods', '-n', 'doomed'])).length === 2, 60_000, '2 pods');
    await s.c.k(['delete', 'namespace', 'doomed', '--timeout=120s']);
    assert.ok(await gone(['namespace', 'doomed']));
    for (const kind of ['pods', 'replicasets', 'configmaps', 'services']) assert.deepEqual(await names([kind, '-n', 'doomed']), [], kind);
  });

  test('background deletion removes dependents after the owner', async () => {
    await s.c.k(['apply', '-f', '-'], replicaSet('bg'));
    await eventually(async () => (await names(['pods', '-l', 'app=bg'])).length === 2, 60_000, '2 pods');
    await s.c.k(['delete', 'rs', 'bg', '--cascade=background']);
    await eventually(async () => (await names(['pods', '-l', 'app=bg'])).length === 0, 60_000, 'pods collected');
  });

  test('foreground deletion: the owner waits, with foregroundDeletion, until its dependents are gone', async () => {
    await s.c.k(['create', 'deployment', 'fg', '--image=busybox', '--replicas=2']);
    const pods = await eventually(async () => {
      const p = await names(['pods', '-l', 'app=fg']);
      return p.length === 2 ? p : undefined;
    }, 60_000, '2 pods');
    const rs = await names(['rs', '-l', 'app=fg']);
    // A finalizer holds one pod, and through it the ReplicaSet and the Deployment, so that the
    // waiting owner can be looked at however fast the rest goes.
    await s.c.k(['patch', 'pod', pods[0], '--type=merge', '-p', '{"metadata":{"finalizers":["k8ts.test/hold"]}}']);
    await s.c.k(['delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false']);
    await eventually(async () => !!(await getJson<ObjLike>(s.c, ['get', 'pod', pods[0]])).metadata.deletionTimestamp, 60_000, 'the held pod to be deleted in turn');
    const during = await getJson<ObjLike>(s.c, ['get', 'deployment', 'fg']).catch(() => undefined);
    assert.ok(during, 'the deployment went before its held pod');
    assert.ok(during.metadata.deletionTimestamp, 'the deployment is not marked deleted');
    assert.deepEqual(during.metadata.finalizers, ['foregroundDeletion']);
    await s.c.k(['patch', 'pod', pods[0], '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await eventually(async () => gone(['deployment', 'fg']), 90_000, 'deployment removed');
    // The owner goes only after its blocking dependents: nothing of it is left.
    assert.deepEqual(await names(['pods', '-l', 'app=fg']), []);
    for (const r of rs) assert.ok(await gone(['rs', r]));
  });

  test('orphan deletion: dependents stay, without the owner reference', async () => {
    await s.c.k(['apply', '-f', '-'], replicaSet('orph'));
    await eventually(async () => (await names(['pods', '-l', 'app=orph'])).length === 2, 60_000, '2 pods');
    await s.c.k(['delete', 'rs', 'orph', '--cascade=orphan']);
    assert.ok(await gone(['rs', 'orph']));
    const pods = (await getJson<{ items: ObjLike[] }>(s.c, ['get', 'pods', '-l', 'app=orph'])).items;
    assert.equal(pods.length, 2);
    for (const p of pods) assert.ok(!p.metadata.ownerReferences?.length, `${p.metadata.name} still owned`);
    await s.c.k(['delete', 'pods', '-l', 'app=orph', '--grace-period=0', '--force']);
  });

  test('a ResourceQuota reports usage and rejects creates beyond it with upstream\'s message', async () => {
    await s.c.k(['create', 'namespace', 'quota']);
    await s.c.k(['create', 'quota', 'q', '-n', 'quota', '--hard=pods=2,configmaps=10']);
    await eventually(async () => (await s.c.k(['get', 'quota', 'q', '-n', 'quota', '-o', 'jsonpath={.status.used.pods}'])) === '0', 20_000, 'quota usage computed');
    for (const n of ['a', 'b']) await s.c.k(['run', n, '-n', 'quota', '--image=busybox']);
    const r = await s.c.kubectl(['run', 'c', '-n', 'quota', '--image=busybox']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);
    await eventually(async () => (await s.c.k(['get', 'quota', 'q', '-n', 'quota', '-o', 'jsonpath={.status.used.pods}'])) === '2', 20_000, 'used pods=2');
    assert.match(await s.c.k(['describe', 'quota', 'q', '-n', 'quota']), /pods\s+2\s+2/);
  });

  test('Endpoints and EndpointSlices follow the selected pods and their readiness', async () => {
    await s.c.k(['apply', '-f', '-'], replicaSet('ep'));
    await s.c.k(['create', 'service', 'clusterip', 'ep', '--tcp=80:http']);
    const eps = await eventually(async () => {
      const e = await getJson<{ subsets?: { addresses?: { ip: string }[]; ports?: { port: number }[] }[] }>(s.c, ['get', 'endpoints', 'ep']);
      return e.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    }, 60_000, 'two ready addresses');
    assert.deepEqual(eps.subsets![0].ports!.map(p => p.port), [8080]);
    const slices = await eventually(async () => {
      const l = await getJson<{ items: { metadata: Meta & { labels?: Record<string, string> }; endpoints?: { conditions: { ready: boolean } }[] }[] }>(s.c, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ep']);
      return l.items.length === 1 && l.items[0].endpoints?.filter(e => e.conditions.ready).length === 2 ? l.items : undefined;
    }, 60_000, 'an endpoint slice with two ready endpoints');
    assert.equal(slices[0].metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(slices[0].metadata.ownerReferences?.map(o => `${o.kind}/${o.name}`), ['Service/ep']);
    await s.c.k(['scale', 'rs', 'ep', '--replicas=1']);
    await eventually(async () => (await getJson<{ subsets?: { addresses?: unknown[] }[] }>(s.c, ['get', 'endpoints', 'ep'])).subsets?.[0]?.addresses?.length === 1, 60_000, 'one address after scale-down');
  });
});
