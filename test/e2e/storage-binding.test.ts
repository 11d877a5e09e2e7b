// Storage on the API side end to end: a real `k8ts server` (controller manager, admission), simulated
// nodes standing in for kubelets, and the real kubectl. Claims bind to static volumes, stay Pending
// with upstream's Events, are protected while in use, and follow a StatefulSet's retention policy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getJson } from './cluster-sim.js';
import { eventually } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';

// The "web" StatefulSet of the Kubernetes documentation (tutorials/stateful-application/basic-stateful-set).
const WEB_STATEFULSET = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

describe('storage: claims, volumes and their controllers with kubectl', () => {
  const s = suiteCluster({ simNodes: { count: 2, prefix: 'stor-' } });

  test('the documentation\'s "web" StatefulSet is accepted and stamps out one claim per pod', async () => {
    const out = await s.c.k(['apply', '-f', '-'], WEB_STATEFULSET);
    assert.match(out, /statefulset.apps\/web created/);
    // The controller creates www-web-0 before web-0 exists (claims first, as upstream).
    await eventually(async () => (await s.c.k(['get', 'pvc', 'www-web-0', '-o', 'name'])).includes('www-web-0'), 30_000, 'claim www-web-0');
    const claim = JSON.parse(await s.c.k(['get', 'pvc', 'www-web-0', '-o', 'json']));
    assert.deepEqual(claim.metadata.labels, { app: 'nginx' });
    assert.equal(claim.spec.resources.requests.storage, '1Gi');
  });

  const pv = (name: string, size: string, extra: Record<string, unknown> = {}) => JSON.stringify({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: `/srv/${name}` }, ...extra },
  });
  const pvc = (name: string, size: string, spec: Record<string, unknown> = {}) => JSON.stringify({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'manual', resources: { requests: { storage: size } }, ...spec },
  });
  const claim = (name: string) => getJson<Claim>(s.c, ['get', 'pvc', name]);
  const volume = (name: string) => getJson<Volume>(s.c, ['get', 'pv', name]);
  const phaseOf = async (kind: 'pv' | 'pvc', name: string) => (await s.c.k(['get', kind, name, '-o', 'jsonpath={.status.phase}']));
  const eventsOf = async (name: string) => (await getJson<{ items: { reason: string; message: string; type: string }[] }>(s.c, ['get', 'events', '--field-selector', `involvedObject.name=${name}`])).items;
  const waitPhase = (kind: 'pv' | 'pvc', name: string, phase: string) => eventually(async () => (await phaseOf(kind, name)) === phase, 20_000, `${kind} ${name} ${phase}`);
  const waitEvent = (name: string, reason: string) => eventually(async () => (await eventsOf(name)).find(e => e.reason === reason), 20_000, `${reason} event on ${name}`);

  test('a claim binds the smallest volume big enough; a claim may name its volume', async () => {
    for (const [name, size] of [['pv-small', '1Gi'], ['pv-mid', '5Gi'], ['pv-big', '10Gi']]) await s.c.k(['create', '-f', '-'], pv(name, size));
    await waitPhase('pv', 'pv-small', 'Available');
    await s.c.k(['create', '-f', '-'], pvc('fits', '2Gi'));
    await waitPhase('pvc', 'fits', 'Bound');
    const bound = await claim('fits');
    assert.equal(bound.spec.volumeName, 'pv-mid');
    assert.deepEqual(bound.status.capacity, { storage: '5Gi' });
    assert.equal(bound.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(bound.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    const mid = await volume('pv-mid');
    assert.equal(mid.spec.claimRef.name, 'fits');
    assert.equal(mid.spec.claimRef.uid, bound.metadata.uid);
    assert.deepEqual(mid.metadata.finalizers, ['kubernetes.io/pv-protection']);
    await waitPhase('pv', 'pv-mid', 'Bound');
    assert.match(await s.c.k(['get', 'pvc', 'fits']), /fits\s+Bound\s+pv-mid\s+5Gi\s+RWO\s+manual/);

    await s.c.k(['create', '-f', '-'], pvc('named', '1Gi', { volumeName: 'pv-big' }));
    await waitPhase('pvc', 'named', 'Bound');
    assert.equal((await claim('named')).status.capacity.storage, '10Gi');
    assert.equal((await volume('pv-big')).metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal(await phaseOf('pv', 'pv-small'), 'Available');
  });

  test('a claim nothing fits stays Pending with upstream\'s Events', async () => {
    await s.c.k(['create', '-f', '-'], pvc('huge', '100Gi', { storageClassName: '' }));
    const e = await waitEvent('huge', 'FailedBinding');
    assert.equal(e.message, 'no persistent volumes available for this claim and no storage class is set');
    assert.equal(await phaseOf('pvc', 'huge'), 'Pending');
    await s.c.k(['create', '-f', '-'], pvc('classless', '1Gi', { storageClassName: 'nope' }));
    const failed = await waitEvent('classless', 'ProvisioningFailed');
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.message, 'storageclass.storage.k8s.io "nope" not found');
    assert.match(await s.c.k(['describe', 'pvc', 'classless']), /ProvisioningFailed\s+.*storageclass.storage.k8s.io "nope" not found/);
  });

  test('a claim of an external provisioner\'s class is handed to it', async () => {
    await s.c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'ext' }, provisioner: 'example.com/ext' }));
    await s.c.k(['create', '-f', '-'], pvc('wants-ext', '1Gi', { storageClassName: 'ext' }));
    const e = await waitEvent('wants-ext', 'ExternalProvisioning');
    assert.equal(e.message, "Waiting for a volume to be created either by the external provisioner 'example.com/ext' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
    const annotations = (await claim('wants-ext')).metadata.annotations;
    assert.equal(annotations['volume.kubernetes.io/storage-provisioner'], 'example.com/ext');
    assert.equal(annotations['volume.beta.kubernetes.io/storage-provisioner'], 'example.com/ext');
    // The provisioner's volume, pre-bound to the claim, completes the binding.
    const uid = (await claim('wants-ext')).metadata.uid;
    await s.c.k(['create', '-f', '-'], pv('pvc-ext', '1Gi', {
      storageClassName: 'ext', persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'default', name: 'wants-ext', uid },
    }).replace('"metadata":{"name":"pvc-ext"}', '"metadata":{"name":"pvc-ext","annotations":{"pv.kubernetes.io/provisioned-by":"example.com/ext"}}'));
    await waitPhase('pvc', 'wants-ext', 'Bound');
    assert.equal((await claim('wants-ext')).spec.volumeName, 'pvc-ext');
    // Deleted: released for its provisioner to delete, not failed.
    await s.c.k(['delete', 'pvc', 'wants-ext']);
    await waitPhase('pv', 'pvc-ext', 'Released');
  });

  test('Retain keeps a volume Released once its claim is gone; an in-use claim stays Terminating until its pod is', async () => {
    await s.c.k(['delete', 'pvc', 'fits']);
    await waitPhase('pv', 'pv-mid', 'Released');
    assert.match(await s.c.k(['get', 'pv', 'pv-mid']), /pv-mid\s+5Gi\s+RWO\s+Retain\s+Released\s+default\/fits\s+manual/);

    await s.c.k(['create', '-f', '-'], pvc('in-use', '1Gi'));
    await waitPhase('pvc', 'in-use', 'Bound');
    await s.c.k(['run', 'user', '--image=k8ts.local/busybox:1', '--overrides', JSON.stringify({
      spec: { containers: [{ name: 'user', image: 'k8ts.local/busybox:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'in-use' } }] },
    })]);
    await eventually(async () => (await s.c.k(['get', 'pod', 'user', '-o', 'jsonpath={.spec.nodeName}'])) !== '', 20_000, 'pod scheduled');
    await s.c.k(['delete', 'pvc', 'in-use', '--wait=false']);
    await new Promise(r => setTimeout(r, 2000));
    assert.match(await s.c.k(['get', 'pvc', 'in-use']), /in-use\s+Terminating/);
    await s.c.k(['delete', 'pod', 'user', '--grace-period=0', '--force']);
    await eventually(async () => (await s.c.kubectl(['get', 'pvc', 'in-use'])).code !== 0, 20_000, 'claim gone with its pod');
  });

  test('Recycle: accepted with upstream\'s warning on a volume, failed on release; refused in a StorageClass', async () => {
    const created = await s.c.kubectl(['create', '-f', '-'], pv('pv-recycle', '1Gi', { persistentVolumeReclaimPolicy: 'Recycle', storageClassName: 'recycled' }));
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /Warning: spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning./);
    await s.c.k(['create', '-f', '-'], pvc('recycled', '1Gi', { storageClassName: 'recycled' }));
    await waitPhase('pvc', 'recycled', 'Bound');
    await s.c.k(['delete', 'pvc', 'recycled']);
    await waitPhase('pv', 'pv-recycle', 'Failed');
    assert.equal((await volume('pv-recycle')).status.message, 'No recycler plugin found for the volume!');
    assert.equal((await waitEvent('pv-recycle', 'VolumeFailedRecycle')).message, 'No recycler plugin found for the volume!');

    const sc = await s.c.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'recycler' }, provisioner: 'example.com/x', reclaimPolicy: 'Recycle' }));
    assert.notEqual(sc.code, 0);
    assert.equal(sc.stderr.trim(), 'The StorageClass "recycler" is invalid: reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"');
  });

  test('a bound claim of a class without allowVolumeExpansion cannot grow', async () => {
    await s.c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fixed' }, provisioner: 'example.com/fixed' }));
    await s.c.k(['create', '-f', '-'], pv('pv-fixed', '1Gi', { storageClassName: 'fixed' }));
    await s.c.k(['create', '-f', '-'], pvc('fixed', '1Gi', { storageClassName: 'fixed' }));
    await waitPhase('pvc', 'fixed', 'Bound');
    const grow = await s.c.kubectl(['patch', 'pvc', 'fixed', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']);
    assert.notEqual(grow.code, 0);
    assert.equal(grow.stderr.trim(), 'Error from server (Forbidden): persistentvolumeclaims "fixed" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    const shrink = await s.c.kubectl(['patch', 'pvc', 'fixed', '-p', '{"spec":{"resources":{"requests":{"storage":"512Mi"}}}}']);
    assert.match(shrink.stderr, /spec.resources.requests.storage: Forbidden: field can not be less than previous value/);
  });

  test('an ephemeral volume gets its claim, owned by the pod', async () => {
    await s.c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'scratch' },
      spec: {
        containers: [{ name: 'c', image: 'k8ts.local/busybox:1', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }],
        volumes: [{ name: 'tmp', ephemeral: { volumeClaimTemplate: { metadata: { labels: { kind: 'scratch' } }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'manual', resources: { requests: { storage: '1Gi' } } } } } }],
      },
    }));
    const made = await eventually(async () => claim('scratch-tmp'), 20_000, 'claim scratch-tmp');
    const pod = await getJson<{ metadata: { uid: string } }>(s.c, ['get', 'pod', 'scratch']);
    assert.deepEqual(made.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'scratch', uid: pod.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(made.metadata.labels, { kind: 'scratch' });
  });

  const statefulSet = (name: string, replicas: number, whenDeleted: string, whenScaled: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  serviceName: ${name}
  replicas: ${replicas}
  podManagementPolicy: Parallel
  persistentVolumeClaimRetentionPolicy: {whenDeleted: ${whenDeleted}, whenScaled: ${whenScaled}}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: k8ts.local/busybox:1, volumeMounts: [{name: data, mountPath: /data}]}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], storageClassName: manual, resources: {requests: {storage: 1Gi}}}
`;
  const claimNames = async (app: string) => (await s.c.k(['get', 'pvc', '-l', `app=${app}`, '-o', 'jsonpath={.items[*].metadata.name}'])).split(/\s+/).filter(Boolean).sort();
  const claimUid = async (name: string) => (await claim(name)).metadata.uid;
  const podCount = async (app: string) => (await s.c.k(['get', 'pods', '-l', `app=${app}`, '-o', 'name'])).split('\n').filter(Boolean).length;

  test('StatefulSet retention: Retain keeps claims through scale down and up; Delete follows the pod and the set', async () => {
    await s.c.k(['apply', '-f', '-'], statefulSet('keep', 2, 'Retain', 'Retain'));
    await eventually(async () => (await claimNames('keep')).length === 2, 20_000, 'claims of keep');
    const kept = await claimUid('data-keep-1');
    await s.c.k(['scale', 'statefulset', 'keep', '--replicas=1']);
    await eventually(async () => (await podCount('keep')) === 1, 30_000, 'keep scaled down');
    assert.deepEqual(await claimNames('keep'), ['data-keep-0', 'data-keep-1']);
    assert.equal((await claim('data-keep-1')).metadata.ownerReferences, undefined);
    await s.c.k(['scale', 'statefulset', 'keep', '--replicas=2']);
    await eventually(async () => (await podCount('keep')) === 2, 30_000, 'keep scaled up');
    assert.equal(await claimUid('data-keep-1'), kept, 'the same claim serves the pod again');

    await s.c.k(['apply', '-f', '-'], statefulSet('drop', 2, 'Delete', 'Delete'));
    await eventually(async () => (await claimNames('drop')).length === 2, 20_000, 'claims of drop');
    const set = await getJson<{ metadata: { uid: string } }>(s.c, ['get', 'statefulset', 'drop']);
    assert.deepEqual((await claim('data-drop-0')).metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'drop', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    await s.c.k(['scale', 'statefulset', 'drop', '--replicas=1']);
    await eventually(async () => (await claimNames('drop')).join() === 'data-drop-0', 30_000, 'the scaled-down pod\'s claim deleted');
    await s.c.k(['delete', 'statefulset', 'drop']);
    await eventually(async () => (await claimNames('drop')).length === 0, 30_000, 'claims deleted with the set');
  });
});

interface Claim {
  metadata: { uid: string; annotations: Record<string, string>; finalizers?: string[]; labels?: Record<string, string>; ownerReferences?: unknown[] };
  spec: { volumeName?: string };
  status: { phase: string; capacity: Record<string, string> };
}
interface Volume {
  metadata: { annotations?: Record<string, string>; finalizers?: string[] };
  spec: { claimRef: { name: string; uid: string } };
  status: { phase: string; message?: string };
}
