// CSI on the node, end to end (support/netns-cluster.ts: the server's own node in its network
// namespace, with its containerd): the reference driver deployed as a DaemonSet of k8ts.local/k8ts:1
// registers with the kubelet through plugins_registry (CSINode, node annotation, topology label); a
// claim on its StorageClass is provisioned by the controller manager's external-provisioner, staged
// and published into the pod (the data lands in the driver's data dir), expanded (controller, then
// NodeExpandVolume through the kubelet), reported in kubelet_volume_stats_*, unpublished and unstaged
// when the pod goes, and deleted with the claim; an inline ephemeral volume lives and dies with its
// pod; a driver that stops answering gives FailedMount events and the mount succeeds once it is back.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { CsiClient } from '../../src/client/csi/client.js';
import { BUSYBOX_IMAGE, K8TS_IMAGE } from '../../src/kubelet/images/builtin.js';
import { readMountInfo } from '../../src/util/mountinfo.js';
import { eventually, K8TS_BIN, REPO_ROOT } from './harness.js';
import { leftoversOf, NetnsCluster } from './support/netns-cluster.js';
import { execInPod } from './support/pods.js';

const DRIVER = 'hostpath.csi.k8ts.io';
const TOPOLOGY_KEY = 'topology.hostpath.csi.k8ts.io/node';
const NODE = 'server';
const MiB = 1024 * 1024;

interface Obj { metadata: { name: string; uid: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec?: any; status?: any }

const writer = (name: string, volume: object, extra: object = {}) => stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 1, ...extra,
    containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', `echo written-by-${name} > /data/hello; exec sleep 3600`], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', ...volume }],
  },
});

describe('CSI: the reference driver as a DaemonSet, mounted by the kubelet', () => {
  let c: NetnsCluster;
  let hostDriver: ChildProcess | undefined;
  const get = async (kind: string, name: string, ns?: string) => JSON.parse(await c.k(['get', kind, name, '-o', 'json', ...(ns ? ['-n', ns] : [])])) as Obj;
  const running = async (name: string) => {
    const p = await get('pod', name).catch(() => undefined);
    return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  };
  const dataDir = () => c.node(NODE).dataDir;
  const kubeletRoot = () => join(dataDir(), 'agent', 'kubelet');
  const driverData = () => join(dataDir(), 'csi-hostpath');
  const csiMounts = () => readMountInfo().map(m => m.mountPoint).filter(p => p.startsWith(kubeletRoot()) && p.includes('kubernetes.io~csi'));
  const events = async (pod: string) => c.k(['get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);

  before(async () => {
    c = await NetnsCluster.start({ agents: 0, images: [K8TS_IMAGE] });
  });
  after(async () => {
    if (hostDriver && hostDriver.exitCode === null) hostDriver.kill('SIGKILL');
    if (!c) return;
    await c.destroy();
    assert.deepEqual(leftoversOf(c), []);
  });

  test('the driver DaemonSet registers: CSINode, node id annotation, topology label', async () => {
    const manifest = readFileSync(join(REPO_ROOT, 'src/csi-hostpath/deploy/csi-hostpath.yaml'), 'utf8').replaceAll('/var/lib/k8ts', dataDir());
    await c.k(['apply', '-f', '-'], manifest);
    const csiNode = await eventually(async () => {
      const n = await get('csinode', NODE).catch(() => undefined);
      return n?.spec?.drivers?.find((d: { name: string }) => d.name === DRIVER) ? n : undefined;
    }, 150_000, `CSINode with ${DRIVER}\n${c.logTail(NODE)}`);
    assert.deepEqual(csiNode.spec.drivers, [{ name: DRIVER, nodeID: NODE, topologyKeys: [TOPOLOGY_KEY] }]);
    const node = await get('node', NODE);
    assert.equal(node.metadata.annotations?.['csi.volume.kubernetes.io/nodeid'], JSON.stringify({ [DRIVER]: NODE }));
    assert.equal(node.metadata.labels?.[TOPOLOGY_KEY], NODE);
    assert.match(await c.k(['get', 'csinode', NODE]), new RegExp(`${NODE}\\s+1\\s+`));
  });

  test('a claim on the driver\'s class: provisioned, staged and published into the pod, data in the driver\'s dir, stats on /metrics', async () => {
    await c.k(['apply', '-f', '-'], stringify({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' },
      spec: { storageClassName: 'csi-hostpath', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '32Mi' } } },
    }));
    await c.k(['apply', '-f', '-'], writer('app', { persistentVolumeClaim: { claimName: 'data' } }));
    await eventually(() => running('app'), 120_000, `pod app running\n${c.logTail(NODE)}`);
    const claim = await get('pvc', 'data');
    const pv = await get('pv', claim.spec.volumeName);
    assert.equal(pv.spec.csi.driver, DRIVER);
    const handle: string = pv.spec.csi.volumeHandle;
    assert.equal(readFileSync(join(driverData(), 'volumes', handle, 'hello'), 'utf8'), 'written-by-app\n');
    // Staged at the node-wide path, published into the pod's volume dir.
    const mounts = csiMounts();
    assert.ok(mounts.some(m => m.endsWith('/globalmount')), `staging mount in ${mounts.join(', ')}`);
    assert.ok(mounts.some(m => m.endsWith(`/volumes/kubernetes.io~csi/${pv.metadata.name}/mount`)), `publish mount in ${mounts.join(', ')}`);
    const metrics = await eventually(async () => {
      const out = await c.k(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/metrics`]);
      return out.includes('kubelet_volume_stats_capacity_bytes{') ? out : undefined;
    }, 30_000, 'volume stats');
    assert.match(metrics, new RegExp(`kubelet_volume_stats_capacity_bytes\\{namespace="default",persistentvolumeclaim="data"\\} ${32 * MiB}\\n`));
    assert.match(metrics, /kubelet_volume_stats_used_bytes\{namespace="default",persistentvolumeclaim="data"\} [1-9]\d*\n/);
    assert.match(metrics, /kubelet_volume_stats_inodes_used\{namespace="default",persistentvolumeclaim="data"\} [1-9]\d*\n/);
  });

  test('expanding the claim grows the volume: ControllerExpandVolume, then NodeExpandVolume by the kubelet', async () => {
    await c.k(['patch', 'pvc', 'data', '-p', JSON.stringify({ spec: { resources: { requests: { storage: '64Mi' } } } })]);
    await eventually(async () => (await get('pvc', 'data')).status?.capacity?.storage === '64Mi', 90_000, `claim capacity 64Mi\n${c.logTail(NODE)}`);
    const claim = await get('pvc', 'data');
    assert.ok(!(claim.status.conditions ?? []).some((x: { type: string }) => x.type === 'FileSystemResizePending'));
    assert.match(await events('app'), /FileSystemResizeSuccessful: MountVolume.NodeExpandVolume succeeded for volume "pvc-/);
    const state = JSON.parse(readFileSync(join(driverData(), 'state.json'), 'utf8')) as { volumes: { name: string; capacityBytes: number }[] };
    assert.equal(state.volumes.find(v => v.name === claim.spec.volumeName)?.capacityBytes, 64 * MiB);
    const r = await execInPod(c, 'app', ['cat', '/data/hello']);
    assert.equal(r.stdout, 'written-by-app\n');
  });

  test('deleting the pod unpublishes and unstages; deleting the claim deletes the volume', async () => {
    const pvName = (await get('pvc', 'data')).spec.volumeName;
    const handle = (await get('pv', pvName)).spec.csi.volumeHandle;
    await c.k(['delete', 'pod', 'app', '--wait=true', '--timeout=60s']);
    await eventually(() => csiMounts().length === 0, 60_000, `no CSI mounts left: ${csiMounts().join(', ')}`);
    assert.ok(existsSync(join(driverData(), 'volumes', handle, 'hello')), 'the data stays while the claim does');
    await c.k(['delete', 'pvc', 'data', '--wait=true', '--timeout=60s']);
    await eventually(async () => !existsSync(join(driverData(), 'volumes', handle)) && (await c.kubectl(['get', 'pv', pvName])).code !== 0, 60_000, 'volume and PV deleted');
  });

  test('an inline ephemeral volume is created with its pod and deleted with it', async () => {
    await c.k(['apply', '-f', '-'], writer('inline', { csi: { driver: DRIVER, volumeAttributes: { size: '16Mi' } } }));
    await eventually(() => running('inline'), 90_000, `pod inline running\n${c.logTail(NODE)}`);
    const volumes = readdirSync(join(driverData(), 'volumes'));
    assert.equal(volumes.length, 1);
    assert.equal(readFileSync(join(driverData(), 'volumes', volumes[0], 'hello'), 'utf8'), 'written-by-inline\n');
    await c.k(['delete', 'pod', 'inline', '--wait=true', '--timeout=60s']);
    await eventually(() => readdirSync(join(driverData(), 'volumes')).length === 0 && csiMounts().length === 0, 60_000, 'inline volume removed');
  });

  test('a driver that does not answer: FailedMount with a clear message, retried until it is back', async () => {
    // A second driver as a host process, registered with this node's kubelet, then killed: its
    // sockets stay (as after a crash) but nothing answers on them.
    const name = 'dead.csi.k8ts.io';
    const socket = join(kubeletRoot(), 'plugins', name, 'csi.sock');
    const startHostDriver = () => {
      const p = spawn(process.execPath, [K8TS_BIN, 'csi-hostpath', `--drivername=${name}`, `--nodeid=${NODE}`, `--endpoint=unix://${socket}`, `--datadir=${join(dataDir(), 'dead-driver')}`, `--registration-dir=${join(kubeletRoot(), 'plugins_registry')}`], { stdio: 'ignore' });
      hostDriver = p;
      return p;
    };
    let p = startHostDriver();
    await eventually(async () => (await get('csinode', NODE)).spec.drivers?.some((d: { name: string }) => d.name === name), 30_000, 'dead driver registered');
    const client = new CsiClient(socket, { timeoutMs: 10_000 });
    const handle = (await client.controller.call('CreateVolume', { name: 'static-1', capacityRange: { requiredBytes: 8 * MiB }, volumeCapabilities: [{ mount: {}, accessMode: { mode: 'SINGLE_NODE_WRITER' } }] })).volume!.volumeId;
    client.close();
    p.kill('SIGKILL');
    await new Promise(resolve => p.once('exit', resolve));
    await c.k(['apply', '-f', '-'], [
      stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name }, spec: { attachRequired: false } }),
      stringify({
        apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'static-1' },
        spec: { capacity: { storage: '8Mi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', csi: { driver: name, volumeHandle: handle } },
      }),
      stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'static' }, spec: { storageClassName: '', volumeName: 'static-1', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Mi' } } } }),
    ].join('---\n'));
    await c.k(['apply', '-f', '-'], writer('stuck', { persistentVolumeClaim: { claimName: 'static' } }));
    const failed = await eventually(async () => {
      const ev = await events('stuck');
      return /FailedMount: .*CSI driver dead\.csi\.k8ts\.io did not answer on .*csi\.sock: rpc error: code = Unavailable/.test(ev) ? ev : undefined;
    }, 60_000, `FailedMount for the silent driver\n${c.logTail(NODE)}`);
    assert.match(failed, /MountVolume\.SetUp failed for volume "data"/);
    assert.equal((await get('pod', 'stuck')).status?.phase, 'Pending');
    // Back: the kubelet's retries mount it.
    p = startHostDriver();
    await eventually(() => running('stuck'), 60_000, `pod stuck running after the driver came back\n${c.logTail(NODE)}`);
    assert.equal(readFileSync(join(dataDir(), 'dead-driver', 'volumes', handle, 'hello'), 'utf8'), 'written-by-stuck\n');
    await c.k(['delete', 'pod', 'stuck', '--wait=true', '--timeout=60s']);
    await eventually(() => csiMounts().length === 0, 60_000, 'unmounted');
    p.kill('SIGTERM');
    await new Promise(resolve => p.once('exit', resolve));
    await eventually(async () => !(await get('csinode', NODE)).spec.drivers?.some((d: { name: string }) => d.name === name), 30_000, 'deregistered when its socket went');
  });
});
