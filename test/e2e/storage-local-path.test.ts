// Storage on real nodes (support/netns-cluster.ts: the server's node and one agent, each in its own
// network namespace with its own containerd): the default StorageClass local-path, a StatefulSet
// with volumeClaimTemplates whose pods keep their data across deletion, scaling and restarts of the
// agent and of the server; reclaim Delete removing the directory; a static PV whose node affinity
// places the pod; WaitForFirstConsumer provisioning on the scheduler's node; expansion; subPath and
// readOnly mounts; a pod whose claim is missing. Nothing is left afterwards.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually, run } from './harness.js';
import { NetnsCluster, leftoversOf } from './support/netns-cluster.js';
import { execInPod } from './support/pods.js';

interface Obj {
  metadata: { name: string; uid: string; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec?: Record<string, any>;
  status?: Record<string, any>;
}

/** Each pod records its name and counts its starts in /data. */
const WEB = stringify({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
  spec: {
    serviceName: 'web', replicas: 2, selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'hostname > /data/name; echo start >> /data/starts; exec sleep 3600'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      },
    },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } }],
  },
});

describe('local-path storage on two nodes', () => {
  let c: NetnsCluster;
  const get = async (kind: string, name: string) => JSON.parse(await c.k(['get', kind, name, '-o', 'json'])) as Obj;
  const list = async (kind: string, selector?: string) => (JSON.parse(await c.k(['get', kind, ...(selector ? ['-l', selector] : []), '-o', 'json'])) as { items: Obj[] }).items;
  const running = async (name: string) => {
    const p = await get('pod', name).catch(() => undefined);
    return p && !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && p.status?.containerStatuses?.[0]?.ready ? p : undefined;
  };
  const sh = async (pod: string, cmd: string) => {
    const r = await execInPod(c, pod, ['sh', '-c', cmd]);
    return { code: r.code, out: r.stdout.trim(), err: r.stderr };
  };
  const storageOf = (node: string) => join(c.node(node).dataDir, 'storage');

  before(async () => {
    c = await NetnsCluster.start({ agents: 1 });
  });
  after(async () => {
    if (!c) return;
    await c.destroy();
    assert.deepEqual(leftoversOf(c), []);
  });

  test('the server creates the default StorageClass local-path', async () => {
    const out = await eventually(async () => {
      const r = await c.kubectl(['get', 'storageclass']);
      return /local-path \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+true/.test(r.stdout) ? r.stdout : undefined;
    }, 20_000, 'storage class');
    assert.match(out, /NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE/);
  });

  test('a pod whose claim is missing stays Pending with the scheduler\'s reason', async () => {
    await c.k(['apply', '-f', '-'], stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'nope' } }] },
    }));
    await eventually(async () => /FailedScheduling.*0\/2 nodes are available: persistentvolumeclaim "nope" not found\./.test(await c.k(['describe', 'pod', 'orphan'])), 30_000, 'FailedScheduling');
    assert.equal((await get('pod', 'orphan')).status?.phase, 'Pending');
    await c.k(['delete', 'pod', 'orphan', '--wait=false']);
  });

  test('a StatefulSet with volumeClaimTemplates on local-path: each pod writes to its own provisioned volume', async () => {
    await c.k(['apply', '-f', '-'], WEB);
    for (const p of ['web-0', 'web-1']) await eventually(() => running(p), 120_000, `${p} running`);
    for (const p of ['web-0', 'web-1']) {
      const claim = await get('pvc', `data-${p}`);
      assert.equal(claim.status?.phase, 'Bound');
      const pv = await get('pv', claim.spec!.volumeName);
      const node = (await get('pod', p)).spec!.nodeName as string;
      assert.equal(claim.metadata.annotations?.['volume.kubernetes.io/selected-node'], node);
      assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
      assert.deepEqual(pv.spec!.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, [node]);
      const dir = join(storageOf(node), `${pv.metadata.name}_default_data-${p}`);
      assert.equal(pv.spec!.hostPath.path, dir);
      assert.equal(readFileSync(join(dir, 'name'), 'utf8'), `${p}\n`);
      await eventually(async () => ((await get('node', node)).status?.volumesInUse ?? []).includes(`kubernetes.io/host-path/${pv.metadata.name}`), 30_000, `volumesInUse on ${node}`);
    }
  });

  test('deleted pods come back on the same node with the same data', async () => {
    const before = new Map<string, string>();
    for (const p of ['web-0', 'web-1']) before.set(p, (await get('pod', p)).spec!.nodeName);
    const uids = await Promise.all(['web-0', 'web-1'].map(async p => (await get('pod', p)).metadata.uid));
    await c.k(['delete', 'pod', 'web-0', 'web-1', '--wait=false']);
    for (const [i, p] of ['web-0', 'web-1'].entries()) {
      const pod = await eventually(async () => { const r = await running(p); return r && r.metadata.uid !== uids[i] ? r : undefined; }, 90_000, `${p} back`);
      assert.equal(pod.spec!.nodeName, before.get(p));
      assert.deepEqual(await sh(p, 'cat /data/name; wc -l < /data/starts'), { code: 0, out: `${p}\n2`, err: '' });
    }
  });

  test('scaling down and up keeps the claims; deleting an unused claim (reclaim Delete) removes its directory and PV', async () => {
    const claimUid = (await get('pvc', 'data-web-1')).metadata.uid;
    await c.k(['scale', 'statefulset', 'web', '--replicas=1']);
    await eventually(async () => !(await list('pod', 'app=web')).some(p => p.metadata.name === 'web-1'), 60_000, 'web-1 gone');
    assert.equal((await get('pvc', 'data-web-1')).metadata.uid, claimUid, 'the claim stays');
    await c.k(['scale', 'statefulset', 'web', '--replicas=2']);
    await eventually(() => running('web-1'), 90_000, 'web-1 back');
    assert.equal((await sh('web-1', 'wc -l < /data/starts')).out, '3');

    await c.k(['scale', 'statefulset', 'web', '--replicas=1']);
    await eventually(async () => !(await list('pod', 'app=web')).some(p => p.metadata.name === 'web-1'), 60_000, 'web-1 gone');
    const pvName = (await get('pvc', 'data-web-1')).spec!.volumeName as string;
    const dir = (await get('pv', pvName)).spec!.hostPath.path as string;
    assert.ok(existsSync(dir));
    await c.k(['delete', 'pvc', 'data-web-1']);
    await eventually(async () => (await c.kubectl(['get', 'pv', pvName])).code !== 0, 60_000, 'PV deleted');
    assert.equal(existsSync(dir), false, 'the directory is removed');
  });

  test('a static PV with node affinity binds, and the pod lands on that node', async () => {
    const dir = join(c.root, 'static-vol');
    mkdirSync(dir);
    await c.k(['apply', '-f', '-'], [
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'static' }, spec: {
        capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', local: { path: dir },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['agent-1'] }] }] } },
      } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'static' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Mi' } } } },
    ].map(o => stringify(o)).join('---\n'));
    await eventually(async () => (await get('pvc', 'static')).spec?.volumeName === 'static', 30_000, 'static claim bound');
    // subPath (created inside the volume), and a read-only mount of the same claim.
    await c.k(['apply', '-f', '-'], stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'placed' },
      spec: {
        terminationGracePeriodSeconds: 1, securityContext: { fsGroup: 2345 },
        containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo hi > /sub/f; exec sleep 3600'],
          volumeMounts: [{ name: 'v', mountPath: '/sub', subPath: 'nested/dir' }, { name: 'v', mountPath: '/ro', readOnly: true }] }],
        volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'static' } }],
      },
    }));
    const pod = await eventually(() => running('placed'), 60_000, 'placed running');
    assert.equal(pod.spec!.nodeName, 'agent-1');
    assert.equal(readFileSync(join(dir, 'nested/dir/f'), 'utf8'), 'hi\n');
    assert.equal((await sh('placed', 'cat /ro/nested/dir/f')).out, 'hi');
    // fsGroup: the volume is the group's, and what the pod writes joins the group (setgid).
    assert.equal(statSync(dir).gid, 2345);
    assert.equal(statSync(join(dir, 'nested/dir/f')).gid, 2345);
    const ro = await sh('placed', 'touch /ro/x');
    assert.notEqual(ro.code, 0);
    assert.match(ro.err, /Read-only file system/);
    await c.k(['delete', 'pod', 'placed', '--wait=false']);
  });

  test('an ephemeral volume: its claim <pod>-<volume> is made for the pod, provisioned, and goes with the pod', async () => {
    await c.k(['apply', '-f', '-'], stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'eph' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo scratch > /scratch/f; exec sleep 3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
        volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '16Mi' } } } } } }],
      },
    }));
    const pod = await eventually(() => running('eph'), 90_000, 'eph running');
    const claim = await get('pvc', 'eph-scratch');
    assert.equal((claim.metadata as { ownerReferences?: { uid: string }[] }).ownerReferences?.[0]?.uid, pod.metadata.uid);
    const dir = (await get('pv', claim.spec!.volumeName)).spec!.hostPath.path as string;
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'scratch\n');
    await c.k(['delete', 'pod', 'eph', '--wait=false']);
    await eventually(() => !existsSync(dir), 90_000, 'the ephemeral volume removed with its pod');
  });

  test('volumeMode Block: a local PV on a loop device is passed to the container as a device', async () => {
    const image = join(c.root, 'block.img');
    writeFileSync(image, '');
    truncateSync(image, 8 * 1024 * 1024);
    const loop = (await run('losetup', ['-f', '--show', image])).stdout.trim();
    assert.match(loop, /^\/dev\/loop\d+$/);
    try {
      await c.k(['apply', '-f', '-'], [
        { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'block' }, spec: {
          capacity: { storage: '8Mi' }, accessModes: ['ReadWriteOnce'], volumeMode: 'Block', persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', local: { path: loop },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['server'] }] }] } },
        } },
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'block' }, spec: { storageClassName: '', volumeMode: 'Block', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Mi' } } } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'raw' }, spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo raw-bytes | dd of=/dev/xvda bs=512 count=1 conv=sync,fsync; exec sleep 3600'], volumeDevices: [{ name: 'b', devicePath: '/dev/xvda' }] }],
          volumes: [{ name: 'b', persistentVolumeClaim: { claimName: 'block' } }],
        } },
      ].map(o => stringify(o)).join('---\n'));
      const pod = await eventually(() => running('raw'), 90_000, 'raw running');
      assert.equal(pod.spec!.nodeName, 'server');
      await eventually(() => readFileSync(image).subarray(0, 10).toString() === 'raw-bytes\n', 20_000, 'bytes written through the device');
      await c.k(['delete', 'pod', 'raw', '--grace-period=1']);
    } finally {
      await run('losetup', ['-d', loop]);
    }
  });

  test('WaitForFirstConsumer: the claim waits for a pod and is provisioned on the node the scheduler chose; expansion grows it', async () => {
    await c.k(['apply', '-f', '-'], stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'wait' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '32Mi' } } } }));
    await new Promise(r => setTimeout(r, 2000));
    const pending = await get('pvc', 'wait');
    assert.equal(pending.status?.phase, 'Pending');
    assert.equal(pending.spec?.storageClassName, 'local-path', 'the default class');
    await c.k(['apply', '-f', '-'], stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'consumer' },
      spec: { terminationGracePeriodSeconds: 1, nodeSelector: { 'kubernetes.io/hostname': 'agent-1' }, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo kept > /data/f; exec sleep 3600'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'wait' } }] },
    }));
    await eventually(() => running('consumer'), 90_000, 'consumer running');
    const claim = await get('pvc', 'wait');
    assert.equal(claim.metadata.annotations?.['volume.kubernetes.io/selected-node'], 'agent-1');
    const pv = await get('pv', claim.spec!.volumeName);
    assert.ok((pv.spec!.hostPath.path as string).startsWith(storageOf('agent-1') + '/'));

    await c.k(['patch', 'pvc', 'wait', '--type=merge', '-p', JSON.stringify({ spec: { resources: { requests: { storage: '64Mi' } } } })]);
    await eventually(async () => (await get('pv', pv.metadata.name)).spec?.capacity?.storage === '64Mi', 30_000, 'PV capacity grown');
    await eventually(async () => (await get('pvc', 'wait')).status?.capacity?.storage === '64Mi', 30_000, 'claim capacity grown');
    assert.match(await c.k(['get', 'pvc', 'wait']), /wait\s+Bound\s+pvc-\S+\s+64Mi\s+RWO\s+local-path/);
  });

  test('data survives an agent restart and a server restart', async () => {
    await c.stopNode('agent-1', 'SIGKILL');
    await c.restartAgent('agent-1');
    await eventually(async () => (await sh('consumer', 'cat /data/f')).out === 'kept', 60_000, 'data after agent restart');
    const web0 = (await get('pod', 'web-0')).metadata.uid;
    await c.stopNode('server');
    await c.restartServer();
    await eventually(async () => (await sh('web-0', 'cat /data/name')).out === 'web-0', 90_000, 'web-0 data after server restart');
    assert.equal((await get('pod', 'web-0')).metadata.uid, web0);
    assert.equal((await sh('consumer', 'cat /data/f')).out, 'kept');
    // A new pod on the claim after the restarts still sees the data.
    await c.k(['delete', 'pod', 'consumer', '--wait=false']);
    await c.k(['apply', '-f', '-'], stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reader' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'wait' } }] },
    }));
    await eventually(() => running('reader'), 90_000, 'reader running');
    assert.equal((await get('pod', 'reader')).spec!.nodeName, 'agent-1');
    assert.equal((await sh('reader', 'cat /data/f')).out, 'kept');
    rmSync(join(c.root, 'static-vol'), { recursive: true, force: true });
  });
});
