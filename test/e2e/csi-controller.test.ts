// The controller side of CSI end to end: a real `k8ts server` (controllers on, no node agent) and
// the reference driver `k8ts csi-hostpath` as a host process whose socket sits where a driver pod's
// hostPath puts it, `<kubelet-root>/plugins/<driver>/csi.sock` on the server's machine. Driven with
// the real kubectl: CreateVolume for a claim, a VolumeAttachment for a pod that becomes attached
// (ControllerPublishVolume) and goes when the pod does (ControllerUnpublishVolume),
// ControllerExpandVolume for a grown claim, DeleteVolume for a released PV, and a socket that does
// not answer.
//
// The node is a Node object (with the CSINode its kubelet would write after NodeGetInfo) and the
// pod is bound to it by spec.nodeName: the attach-detach controller acts on that, not on a
// running container (test/e2e/csi.test.ts covers the node side).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { attachmentName } from '../../src/api/csi-volume-names.js';
import { K8TS_BIN, TestCluster, eventually } from './harness.js';

const DRIVER = 'hostpath.csi.k8ts.io';
const TOPOLOGY_KEY = 'topology.hostpath.csi.k8ts.io/node';
const NODE = 'csi-node-a';
const FINALIZER = 'external-attacher/hostpath-csi-k8ts-io';
/** A second instance of the driver whose socket is not on the controller manager's path: `k8ts csi-sidecar` serves it. */
const REMOTE = 'remote.csi.k8ts.io';

interface Obj { metadata: { name: string; uid: string; annotations?: Record<string, string>; finalizers?: string[] }; spec: any; status?: any }
interface EventLike { reason: string; message: string; type: string }

const manifests = `
apiVersion: v1
kind: Node
metadata:
  name: ${NODE}
  labels: { ${TOPOLOGY_KEY}: ${NODE} }
  annotations: { volumes.kubernetes.io/controller-managed-attach-detach: "true" }
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: { name: ${NODE} }
spec:
  drivers:
  - name: ${DRIVER}
    nodeID: ${NODE}
    topologyKeys: [${TOPOLOGY_KEY}]
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: { name: ${DRIVER} }
spec: { attachRequired: true }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: csi-hostpath }
provisioner: ${DRIVER}
allowVolumeExpansion: true
parameters: { csi.storage.k8s.io/fstype: ext4 }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: csi-wffc }
provisioner: ${DRIVER}
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: silent }
provisioner: silent.csi.k8ts.io
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: remote }
provisioner: ${REMOTE}
`;

const claim = (name: string, cls: string, size = '1Gi') => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: ${name} }
spec:
  storageClassName: ${cls}
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: ${size} } }
`;

describe('CSI controllers (provisioner, attach-detach, attacher, resizer, deleter) with the reference driver', () => {
  let c: TestCluster;
  let driver: ChildProcess;
  let driverDir: string;
  let remoteDir: string;
  const processes: ChildProcess[] = [];
  let silent: Server;
  const silentConnections: Socket[] = [];

  const get = async (args: string[]): Promise<Obj> => JSON.parse(await c.k(['get', ...args, '-o', 'json']));
  const exists = async (args: string[]) => (await c.kubectl(['get', ...args, '-o', 'name'])).code === 0;
  const events = async (name: string): Promise<EventLike[]> =>
    JSON.parse(await c.k(['get', 'events', '-o', 'json', '--field-selector', `involvedObject.name=${name}`])).items;
  const hasEvent = (name: string, reason: string, message: RegExp) => eventually(async () => {
    const e = (await events(name)).find(x => x.reason === reason && message.test(x.message));
    return e;
  }, 30_000, `Event ${reason} on ${name}`);

  before(async () => {
    c = await TestCluster.start();
    const plugins = join(c.dataDir, 'agent', 'kubelet', 'plugins');
    driverDir = mkdtempSync(join(tmpdir(), 'k8ts-csi-driver-'));
    // The socket directory is not named after the driver (as csi-driver-host-path's manifests put
    // it): the controller manager finds it by GetPluginInfo.
    driver = spawn(process.execPath, [K8TS_BIN, 'csi-hostpath', '--endpoint', `unix://${join(plugins, 'csi-hostpath', 'csi.sock')}`,
      '--nodeid', NODE, '--datadir', driverDir, '--enable-attach', '--capacity', '10Gi'], { stdio: ['ignore', 'ignore', 'pipe'] });
    processes.push(driver);
    // The "remote" driver and its sidecar, as the two containers of a driver pod sharing a socket dir.
    remoteDir = mkdtempSync(join(tmpdir(), 'k8ts-csi-remote-'));
    const remoteSocket = join(remoteDir, 'socket', 'csi.sock');
    processes.push(spawn(process.execPath, [K8TS_BIN, 'csi-hostpath', '--endpoint', `unix://${remoteSocket}`, '--drivername', REMOTE,
      '--nodeid', NODE, '--datadir', join(remoteDir, 'data'), '--capacity', '10Gi'], { stdio: ['ignore', 'ignore', 'pipe'] }));
    processes.push(spawn(process.execPath, [K8TS_BIN, 'csi-sidecar', '--csi-address', remoteSocket, '--kubeconfig', c.kubeconfig,
      '--leader-election-lease-duration', '5'], { stdio: ['ignore', 'ignore', 'pipe'] }));
    // A socket that accepts connections and never says a word.
    mkdirSync(join(plugins, 'silent.csi.k8ts.io'), { recursive: true });
    silent = createServer(s => silentConnections.push(s)).listen(join(plugins, 'silent.csi.k8ts.io', 'csi.sock'));
    await eventually(() => existsSync(join(plugins, 'csi-hostpath', 'csi.sock')), 20_000, 'the driver socket');
    await c.k(['apply', '-f', '-'], manifests);
  });

  after(async () => {
    for (const s of silentConnections) s.destroy();
    silent?.close();
    await Promise.all(processes.filter(p => p.exitCode === null && p.signalCode === null).map(p => {
      const exited = new Promise(r => p.once('exit', r));
      process.kill(p.pid!, 'SIGTERM');
      return exited;
    }));
    await c?.stop();
    for (const dir of [driverDir, remoteDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let pv: Obj;

  test('a claim is provisioned through CreateVolume into a PV pre-bound to it', async () => {
    await c.k(['apply', '-f', '-'], claim('data', 'csi-hostpath'));
    const pvc = await get(['pvc', 'data']);
    pv = await eventually(async () => (await exists(['pv', `pvc-${pvc.metadata.uid}`])) && get(['pv', `pvc-${pvc.metadata.uid}`]), 30_000, 'the provisioned PV');
    assert.equal(pv.metadata.annotations!['pv.kubernetes.io/provisioned-by'], DRIVER);
    assert.equal(pv.spec.csi.driver, DRIVER);
    assert.equal(pv.spec.csi.fsType, 'ext4');
    assert.ok(pv.spec.csi.volumeHandle, 'the driver\'s volume id');
    assert.match(pv.spec.csi.volumeAttributes['storage.kubernetes.io/csiProvisionerIdentity'], new RegExp(`^\\d+-\\d+-${DRIVER}$`));
    assert.deepEqual(pv.spec.capacity, { storage: '1Gi' });
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.ok(pv.metadata.finalizers?.includes('external-provisioner.volume.kubernetes.io/finalizer'));
    assert.deepEqual(pv.spec.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'data', uid: pvc.metadata.uid, resourceVersion: pv.spec.claimRef.resourceVersion });
    // The driver's accessible topology (its node) became the PV's node affinity.
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms, [{ matchExpressions: [{ key: TOPOLOGY_KEY, operator: 'In', values: [NODE] }] }]);
    await hasEvent('data', 'Provisioning', /^External provisioner is provisioning volume for claim "default\/data"$/);
    await hasEvent('data', 'ProvisioningSucceeded', new RegExp(`^Successfully provisioned volume pvc-${pvc.metadata.uid}$`));
    // The volume exists at the driver: its data dir has something for it now.
    assert.ok(readdirSync(driverDir).length > 0);
    // The PV controller then completes the binding.
    await eventually(async () => (await get(['pvc', 'data'])).status?.phase === 'Bound', 20_000, 'the claim to be Bound');
  });

  test('a pod on the node gets a VolumeAttachment that becomes attached; deleting the pod detaches it', async () => {
    const va = attachmentName(pv.spec.csi.volumeHandle, DRIVER, NODE);
    await c.k(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: { name: user }
spec:
  nodeName: ${NODE}
  containers: [{ name: c, image: k8ts.local/busybox:1, command: [sleep, "3600"], volumeMounts: [{ name: data, mountPath: /data }] }]
  volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]
`);
    const attached = await eventually(async () => {
      const o = (await exists(['volumeattachment', va])) && await get(['volumeattachment', va]);
      return o && o.status?.attached && o;
    }, 30_000, 'an attached VolumeAttachment');
    assert.deepEqual(attached.spec, { attacher: DRIVER, nodeName: NODE, source: { persistentVolumeName: pv.metadata.name } });
    assert.deepEqual(attached.metadata.finalizers, [FINALIZER]);
    assert.equal(attached.metadata.annotations!['csi.alpha.kubernetes.io/node-id'], NODE);
    assert.equal(attached.status.attachError, undefined);
    // The attacher also holds the PV while it is attached.
    assert.ok((await get(['pv', pv.metadata.name])).metadata.finalizers?.includes(FINALIZER));
    const unique = `kubernetes.io/csi/${DRIVER}^${pv.spec.csi.volumeHandle}`;
    await eventually(async () => ((await get(['node', NODE])).status?.volumesAttached ?? []).some((v: { name: string }) => v.name === unique), 20_000, 'volumesAttached on the Node');
    await hasEvent('user', 'SuccessfulAttachVolume', new RegExp(`^AttachVolume.Attach succeeded for volume "${pv.metadata.name}"$`));

    // No kubelet runs the pod here, so nothing has it mounted: the detach follows the deletion.
    await c.k(['delete', 'pod', 'user', '--grace-period=0', '--force']);
    await eventually(async () => !(await exists(['volumeattachment', va])), 30_000, 'the VolumeAttachment to go (ControllerUnpublishVolume)');
    assert.deepEqual((await get(['node', NODE])).status?.volumesAttached ?? [], []);
    await eventually(async () => !(await get(['pv', pv.metadata.name])).metadata.finalizers?.includes(FINALIZER), 20_000, 'the PV released by the attacher');
  });

  test('a grown claim is expanded through ControllerExpandVolume', async () => {
    await c.k(['patch', 'pvc', 'data', '--type=merge', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']);
    await eventually(async () => (await get(['pv', pv.metadata.name])).spec.capacity.storage === '2Gi', 30_000, 'the PV to grow');
    const pvc = await eventually(async () => {
      const o = await get(['pvc', 'data']);
      return o.status.conditions?.some((x: { type: string }) => x.type === 'FileSystemResizePending') && o;
    }, 20_000, 'FileSystemResizePending');
    // The node still has to grow the filesystem: the claim's capacity stays until it has.
    assert.equal(pvc.status.capacity.storage, '1Gi');
    assert.deepEqual(pvc.status.allocatedResources, { storage: '2Gi' });
    assert.deepEqual(pvc.status.allocatedResourceStatuses, { storage: 'NodeResizePending' });
    await hasEvent('data', 'Resizing', new RegExp(`^External resizer is resizing volume ${pv.metadata.name}$`));
    await hasEvent('data', 'FileSystemResizeRequired', /^Require file system resize of volume on node$/);
  });

  test('deleting the claim releases the PV (reclaim Delete): the deleter calls DeleteVolume and removes the PV', async () => {
    const before = readdirSync(driverDir, { recursive: true }).length;
    await c.k(['delete', 'pvc', 'data']);
    await eventually(async () => !(await exists(['pv', pv.metadata.name])), 30_000, 'the PV to be deleted');
    assert.ok(readdirSync(driverDir, { recursive: true }).length < before, 'the driver removed the volume');
  });

  test('a PV deleted by hand while bound still gets DeleteVolume once its claim is gone', async () => {
    await c.k(['apply', '-f', '-'], claim('byhand', 'csi-hostpath'));
    const pvc = await get(['pvc', 'byhand']);
    const name = `pvc-${pvc.metadata.uid}`;
    await eventually(async () => (await get(['pvc', 'byhand'])).status?.phase === 'Bound', 30_000, 'the claim to be Bound');
    const volumes = readdirSync(driverDir, { recursive: true }).length;
    // pv-protection keeps the object while it is bound; the provisioner's finalizer keeps it until DeleteVolume.
    await c.k(['delete', 'pv', name, '--wait=false']);
    await c.k(['delete', 'pvc', 'byhand']);
    await eventually(async () => !(await exists(['pv', name])), 30_000, 'the PV to go');
    assert.ok(readdirSync(driverDir, { recursive: true }).length < volumes, 'the driver removed the volume');
  });

  test('WaitForFirstConsumer: provisioned for the selected node; a final failure gives the choice of node back', async () => {
    await c.k(['apply', '-f', '-'], claim('late', 'csi-wffc') + '---' + claim('huge', 'csi-wffc', '20Gi'));
    const late = await get(['pvc', 'late']);
    await new Promise(r => setTimeout(r, 1500));
    assert.equal(await exists(['pv', `pvc-${late.metadata.uid}`]), false, 'nothing before the scheduler picks a node');
    // What the scheduler's VolumeBinding plugin does once it has chosen the node.
    for (const name of ['late', 'huge']) await c.k(['annotate', 'pvc', name, `volume.kubernetes.io/selected-node=${NODE}`]);
    const pv = await eventually(async () => (await exists(['pv', `pvc-${late.metadata.uid}`])) && get(['pv', `pvc-${late.metadata.uid}`]), 30_000, 'the PV for the selected node');
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms, [{ matchExpressions: [{ key: TOPOLOGY_KEY, operator: 'In', values: [NODE] }] }]);
    // 20Gi is more than any volume of this driver (OutOfRange): not in progress, so the node is given back.
    await hasEvent('huge', 'ProvisioningFailed', /^failed to provision volume with StorageClass "csi-wffc": rpc error: code = OutOfRange desc = /);
    await eventually(async () => !(await get(['pvc', 'huge'])).metadata.annotations?.['volume.kubernetes.io/selected-node'], 20_000, 'selected-node removed');
  });

  test('a driver socket that does not answer: ProvisioningFailed with the reason, and the server keeps going', async () => {
    await c.k(['apply', '-f', '-'], claim('quiet', 'silent'));
    const failed = await hasEvent('quiet', 'ProvisioningFailed', /^failed to provision volume with StorageClass "silent": CSI driver silent.csi.k8ts.io does not answer on \S+csi.sock: rpc error: code = DeadlineExceeded/);
    assert.equal(failed.type, 'Warning');
    const pvc = await get(['pvc', 'quiet']);
    assert.equal(pvc.spec.volumeName, undefined);
    assert.equal(await exists(['pv', `pvc-${pvc.metadata.uid}`]), false);
    assert.equal((await c.k(['get', '--raw', '/readyz'])).trim(), 'ok');
  });

  test('k8ts csi-sidecar beside a driver serves it from anywhere, holding the driver\'s Lease', async () => {
    await c.k(['apply', '-f', '-'], claim('far', 'remote'));
    const pvc = await get(['pvc', 'far']);
    const far = await eventually(async () => (await exists(['pv', `pvc-${pvc.metadata.uid}`])) && get(['pv', `pvc-${pvc.metadata.uid}`]), 30_000, 'the PV made through the sidecar');
    assert.equal(far.metadata.annotations!['pv.kubernetes.io/provisioned-by'], REMOTE);
    assert.equal(far.spec.csi.driver, REMOTE);
    const lease = await get(['lease', '-n', 'kube-system', 'csi-sidecar-remote-csi-k8ts-io']);
    assert.ok(lease.spec.holderIdentity);
  });
});
