// The kubelet's CSI volume plugin (upstream's kubernetes.io/csi): PVs with `spec.csi` and inline
// `csi:` pod volumes, mounted by the CSI driver registered on this node under that name.
//
// setUp, for a PV: wait for its VolumeAttachment when the CSIDriver requires attach (the
// external-attacher sets it attached), NodeStageVolume at the node-wide staging path when the driver
// has STAGE_UNSTAGE_VOLUME, NodePublishVolume at `<pod volume dir>/mount` (read-only as the pod or PV
// says; pod info in the volume context when the CSIDriver asks for it), and NodeExpandVolume when
// the claim waits for it (FileSystemResizePending). A vol_data.json beside each mount records what
// teardown needs. Inline volumes (CSIDriver volumeLifecycleModes includes Ephemeral) are only
// published. tearDown unpublishes, then unstages once no pod on the node uses the volume.
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { attachmentName, csiUniqueVolumeName } from '../../api/csi-volume-names.js';
import { isNotFound } from '../../api/errors.js';
import type { CSIDriver, PersistentVolume, PersistentVolumeClaim, VolumeAttachment } from '../../api/types/generated.js';
import { CsiError } from '../../client/csi/client.js';
import type { NodeCapability, VolumeCapability } from '../../client/csi/types.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectPath, R } from '../../client/resources.js';
import { isMountPoint } from '../../util/mountinfo.js';
import type { Logger } from '../../util/log.js';
import { CsiDrivers, DriverNotRegisteredError, type RegisteredDriver } from '../csi/drivers.js';
import { CSI_LOG_PREFIX } from '../csi/registration-handler.js';
import type { PodObject, SecretObject } from '../types.js';
import {
  appliesFsGroup, CSI_PLUGIN_NAME, inlineVolumeHandle, loadVolumeData, pendingNodeResize, pvVolumeCapability,
  saveVolumeData, stagingPath, VOL_DATA_FILE, type VolumeData,
} from './csi-volume-info.js';
import { VolumeSetupError } from './projections.js';
import { pluginDir, type InlineVolumeMount, type InlineVolumePlugin, type MountedVolume, type PersistentVolumeMount, type PersistentVolumeTearDown } from './pv-plugin.js';
import type { ClaimVolumeStats } from './volume-stats.js';
import { errorMessage } from '../../util/error-message.js';

/** What the plugin reads and writes through the API. */
export interface CsiVolumeApi {
  csiDriver(name: string): Promise<CSIDriver | undefined>;
  volumeAttachment(name: string): Promise<VolumeAttachment | undefined>;
  secretData(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Records a finished node expansion on the claim: capacity, no FileSystemResizePending. */
  finishNodeResize(claim: PersistentVolumeClaim, capacity: string): Promise<void>;
}

export class ApiCsiVolumeSource implements CsiVolumeApi {
  constructor(private readonly client: RestClient) {}

  csiDriver(name: string): Promise<CSIDriver | undefined> {
    return ignoreNotFound(this.client.get<CSIDriver>(objectPath(R.csidrivers, undefined, name)));
  }

  volumeAttachment(name: string): Promise<VolumeAttachment | undefined> {
    return ignoreNotFound(this.client.get<VolumeAttachment>(objectPath(R.volumeattachments, undefined, name)));
  }

  async secretData(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const s = await ignoreNotFound(this.client.get<SecretObject>(objectPath(R.secrets, namespace, name)));
    if (!s) return undefined;
    return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  async finishNodeResize(claim: PersistentVolumeClaim, capacity: string): Promise<void> {
    const conditions = (claim.status?.conditions ?? []).filter(c => c.type !== 'FileSystemResizePending' && c.type !== 'Resizing');
    const statuses = { ...(claim.status?.allocatedResourceStatuses ?? {}) };
    delete statuses.storage;
    await this.client.update(objectPath(R.persistentvolumeclaims, claim.metadata?.namespace, claim.metadata!.name!, 'status'), {
      ...claim,
      status: { ...claim.status, capacity: { ...claim.status?.capacity, storage: capacity }, conditions, allocatedResourceStatuses: Object.keys(statuses).length ? statuses : undefined },
    });
  }
}

export interface CsiVolumePluginOptions {
  drivers: CsiDrivers;
  api: CsiVolumeApi;
  nodeName: string;
  /** Pod events (FileSystemResizeSuccessful). */
  recorder?: EventRecorder;
  log: Logger;
}

/** A volume published for a pod here, as the stats need it. */
interface Published {
  namespace: string;
  /** Undefined for inline volumes (no claim to label them with). */
  claim?: string;
  driver: string;
  volumeHandle: string;
  staging: string;
}

const POD_INFO = {
  name: 'csi.storage.k8s.io/pod.name', namespace: 'csi.storage.k8s.io/pod.namespace', uid: 'csi.storage.k8s.io/pod.uid',
  serviceAccount: 'csi.storage.k8s.io/serviceAccount.name', ephemeral: 'csi.storage.k8s.io/ephemeral',
};

/** The pod's identity for the driver, when its CSIDriver asks for it (podInfoOnMount). */
function podInfo(driver: CSIDriver | undefined, pod: PodObject, ephemeral: boolean): Record<string, string> {
  if (!driver?.spec?.podInfoOnMount) return {};
  return {
    [POD_INFO.name]: pod.metadata.name!, [POD_INFO.namespace]: pod.metadata.namespace!, [POD_INFO.uid]: pod.metadata.uid!,
    [POD_INFO.serviceAccount]: pod.spec.serviceAccountName ?? 'default', [POD_INFO.ephemeral]: String(ephemeral),
  };
}

/** A driver failure as the pod's FailedMount event tells it, with upstream's prefix. */
function failure(operation: string, driver: RegisteredDriver, err: unknown): VolumeSetupError {
  if (err instanceof CsiError && err.unreachable) {
    return new VolumeSetupError(`${CSI_LOG_PREFIX}${operation} failed: CSI driver ${driver.name} did not answer on ${driver.endpoint}: ${err.message}`);
  }
  return new VolumeSetupError(`${CSI_LOG_PREFIX}${operation} failed: ${errorMessage(err)}`);
}

export class CsiVolumePlugin implements InlineVolumePlugin {
  readonly name = CSI_PLUGIN_NAME;
  /** Target path → the published volume. */
  private readonly published = new Map<string, Published>();
  /** Per-pod volume dir → whether fsGroup applies, decided at setUp from the CSIDriver. */
  private readonly fsGroupApplies = new Map<string, boolean>();

  constructor(private readonly o: CsiVolumePluginOptions) {}

  canSupport(pv: PersistentVolume): boolean {
    return !!pv.spec?.csi;
  }

  /** `kubernetes.io/csi/<driver>^<volume handle>`, as upstream's volumesInUse entries. */
  uniqueName(pv: PersistentVolume): string {
    return csiUniqueVolumeName(pv.spec?.csi?.driver ?? '', pv.spec?.csi?.volumeHandle ?? '');
  }

  appliesFsGroup(m: PersistentVolumeMount): boolean {
    return this.fsGroupApplies.get(m.dir) ?? false;
  }

  canSupportInline(v: { csi?: unknown }): boolean {
    return !!v.csi;
  }

  appliesFsGroupInline(m: InlineVolumeMount): boolean {
    return this.fsGroupApplies.get(m.dir) ?? false;
  }

  async setUp(m: PersistentVolumeMount): Promise<MountedVolume> {
    const src = m.pv.spec!.csi!;
    if (m.pv.spec?.volumeMode === 'Block') throw new VolumeSetupError(`${CSI_LOG_PREFIX}volumeMode Block is not supported for CSI volumes on this node`);
    const driver = this.driver(src.driver);
    const csiDriver = await this.o.api.csiDriver(src.driver);
    const caps = await this.capabilities(driver);
    const handle = src.volumeHandle;
    const staging = caps.has('STAGE_UNSTAGE_VOLUME') ? stagingPath(m.globalDir, src.driver, handle) : '';
    const target = join(m.dir, 'mount');
    const capability = pvVolumeCapability(m.pv, caps.has('SINGLE_NODE_MULTI_WRITER'));
    this.fsGroupApplies.set(m.dir, appliesFsGroup(csiDriver, src.fsType ?? '', m.pv.spec?.accessModes, m.readOnly));
    const data: VolumeData = {
      specVolID: m.pv.metadata!.name!, volumeHandle: handle, driverName: src.driver, nodeName: this.o.nodeName,
      attachmentID: attachmentName(handle, src.driver, this.o.nodeName), volumeLifecycleMode: 'Persistent',
    };
    if (!isMountPoint(target)) {
      const publishContext = csiDriver?.spec?.attachRequired === false ? {} : await this.waitForAttach(data);
      if (staging && !isMountPoint(staging)) {
        mkdirSync(staging, { recursive: true, mode: 0o750 });
        saveVolumeData(dirname(staging), data);
        const secrets = src.nodeStageSecretRef ? await this.secrets(src.nodeStageSecretRef.namespace ?? '', src.nodeStageSecretRef.name ?? '') : {};
        try {
          await driver.client.node.call('NodeStageVolume', { volumeId: handle, publishContext, stagingTargetPath: staging, volumeCapability: capability, secrets, volumeContext: src.volumeAttributes ?? {} });
        } catch (err) {
          throw failure('attacher.MountDevice', driver, err);
        }
      }
      mkdirSync(m.dir, { recursive: true, mode: 0o750 });
      saveVolumeData(m.dir, data);
      const secrets = src.nodePublishSecretRef ? await this.secrets(src.nodePublishSecretRef.namespace ?? '', src.nodePublishSecretRef.name ?? '') : {};
      try {
        await driver.client.node.call('NodePublishVolume', {
          volumeId: handle, publishContext, stagingTargetPath: staging, targetPath: target, volumeCapability: capability,
          readonly: m.readOnly, secrets, volumeContext: { ...src.volumeAttributes, ...podInfo(csiDriver, m.pod, false) },
        });
      } catch (err) {
        throw failure('mounter.SetUpAt', driver, err);
      }
      this.o.log('CSI volume published', { pod: `${m.pod.metadata.namespace}/${m.pod.metadata.name}`, pv: data.specVolID, driver: src.driver, target });
    }
    this.published.set(target, { namespace: m.pod.metadata.namespace!, claim: m.claim.metadata?.name, driver: src.driver, volumeHandle: handle, staging });
    await this.expandIfPending(m, driver, caps, target, staging, capability);
    return { path: target, block: false };
  }

  async setUpInline(m: InlineVolumeMount): Promise<MountedVolume> {
    const src = m.volume.csi!;
    const csiDriver = await this.o.api.csiDriver(src.driver);
    const modes = csiDriver?.spec?.volumeLifecycleModes ?? ['Persistent'];
    if (!csiDriver || !modes.includes('Ephemeral')) {
      throw new VolumeSetupError(`${CSI_LOG_PREFIX}mounter.SetupAt failed to check volume lifecycle mode: volume mode "Ephemeral" not supported by driver ${src.driver} (${csiDriver ? `only supports ${JSON.stringify(modes)}` : 'no CSIDriver object'})`);
    }
    const driver = this.driver(src.driver);
    const handle = inlineVolumeHandle(m.pod.metadata.uid!, m.volume.name);
    const target = join(m.dir, 'mount');
    const readOnly = !!src.readOnly;
    this.fsGroupApplies.set(m.dir, appliesFsGroup(csiDriver, src.fsType ?? '', undefined, readOnly));
    if (!isMountPoint(target)) {
      mkdirSync(m.dir, { recursive: true, mode: 0o750 });
      saveVolumeData(m.dir, {
        specVolID: m.volume.name, volumeHandle: handle, driverName: src.driver, nodeName: this.o.nodeName,
        attachmentID: attachmentName(handle, src.driver, this.o.nodeName), volumeLifecycleMode: 'Ephemeral',
      });
      const secrets = src.nodePublishSecretRef?.name ? await this.secrets(m.pod.metadata.namespace!, src.nodePublishSecretRef.name) : {};
      try {
        await driver.client.node.call('NodePublishVolume', {
          volumeId: handle, targetPath: target, readonly: readOnly, secrets,
          volumeCapability: { mount: { fsType: src.fsType ?? '' }, accessMode: { mode: 'SINGLE_NODE_WRITER' } },
          volumeContext: { ...src.volumeAttributes, ...podInfo(csiDriver, m.pod, true) },
        });
      } catch (err) {
        throw failure('mounter.SetUpAt', driver, err);
      }
      this.o.log('CSI inline volume published', { pod: `${m.pod.metadata.namespace}/${m.pod.metadata.name}`, volume: m.volume.name, driver: src.driver, target });
    }
    this.published.set(target, { namespace: m.pod.metadata.namespace!, driver: src.driver, volumeHandle: handle, staging: '' });
    return { path: target, block: false };
  }

  async tearDown(t: PersistentVolumeTearDown): Promise<void> {
    const data = loadVolumeData(t.dir);
    const target = join(t.dir, 'mount');
    this.fsGroupApplies.delete(t.dir);
    if (!data) return; // nothing published here; the kubelet removes the directory
    const driver = this.o.drivers.get(data.driverName);
    if (!driver) {
      if (isMountPoint(target)) throw new VolumeSetupError(`${CSI_LOG_PREFIX}Unmounter.TearDownAt failed: ${new DriverNotRegisteredError(data.driverName).message}`);
    } else {
      try {
        await driver.client.node.call('NodeUnpublishVolume', { volumeId: data.volumeHandle, targetPath: target });
      } catch (err) {
        throw failure('Unmounter.TearDownAt', driver, err);
      }
    }
    if (isMountPoint(target)) throw new VolumeSetupError(`${CSI_LOG_PREFIX}Unmounter.TearDownAt failed: ${target} is still mounted after NodeUnpublishVolume`);
    this.published.delete(target);
    rmSync(join(t.dir, VOL_DATA_FILE), { force: true });
    removeEmptyDir(target);
    removeEmptyDir(t.dir);
    if (driver && data.volumeLifecycleMode === 'Persistent') await this.unstageIfUnused(driver, data, t.globalDir);
  }

  /** Usage of every claim's volume published here, from the drivers that offer GET_VOLUME_STATS. */
  async volumeStats(timeoutMs = 5_000): Promise<ClaimVolumeStats[]> {
    const byClaim = new Map<string, [string, Published]>();
    for (const [target, p] of this.published) if (p.claim) byClaim.set(`${p.namespace}/${p.claim}`, [target, p]);
    const stats = await Promise.all([...byClaim.values()].map(async ([target, p]): Promise<ClaimVolumeStats | undefined> => {
      const driver = this.o.drivers.get(p.driver);
      if (!driver) return undefined;
      try {
        if (!(await this.capabilities(driver)).has('GET_VOLUME_STATS')) return undefined;
        const res = await driver.client.node.call('NodeGetVolumeStats', { volumeId: p.volumeHandle, volumePath: target, stagingTargetPath: p.staging }, { timeoutMs });
        const b = res.usage.find(u => u.unit === 'BYTES');
        const i = res.usage.find(u => u.unit === 'INODES');
        return {
          namespace: p.namespace, persistentvolumeclaim: p.claim!,
          capacityBytes: b?.total ?? 0, availableBytes: b?.available ?? 0, usedBytes: b?.used ?? 0,
          inodes: i?.total ?? 0, inodesFree: i?.available ?? 0, inodesUsed: i?.used ?? 0,
        };
      } catch (err) {
        this.o.log('NodeGetVolumeStats failed', { driver: p.driver, volume: p.volumeHandle, error: String(err) });
        return undefined;
      }
    }));
    return stats.filter((s): s is ClaimVolumeStats => s !== undefined);
  }

  private driver(name: string): RegisteredDriver {
    try {
      return this.o.drivers.require(name);
    } catch (err) {
      if (err instanceof DriverNotRegisteredError) throw new VolumeSetupError(`${CSI_LOG_PREFIX}failed to create a CSI client: ${err.message}`);
      throw err;
    }
  }

  private async capabilities(driver: RegisteredDriver): Promise<Set<NodeCapability>> {
    try {
      return await this.o.drivers.nodeCapabilities(driver.name);
    } catch (err) {
      throw failure('NodeGetCapabilities', driver, err);
    }
  }

  private async secrets(namespace: string, name: string): Promise<Record<string, string>> {
    const data = await this.o.api.secretData(namespace, name);
    if (!data) throw new VolumeSetupError(`${CSI_LOG_PREFIX}failed to find the secret ${name} in the namespace ${namespace}`);
    return data;
  }

  /** The attachment metadata once the external-attacher has attached the volume to this node. */
  private async waitForAttach(data: VolumeData): Promise<Record<string, string>> {
    const va = await this.o.api.volumeAttachment(data.attachmentID);
    const prefix = `${CSI_LOG_PREFIX}attacher.WaitForAttach failed for volume ${data.volumeHandle}`;
    if (!va) throw new VolumeSetupError(`${prefix}: volumeattachments.storage.k8s.io "${data.attachmentID}" not found (waiting for the external-attacher of ${data.driverName})`);
    if (va.status?.attachError) throw new VolumeSetupError(`${prefix}: ${va.status.attachError.message ?? 'attach failed'}`);
    if (!va.status?.attached) throw new VolumeSetupError(`${prefix}: volume attachment ${data.attachmentID} is not attached yet`);
    return va.status.attachmentMetadata ?? {};
  }

  private async expandIfPending(m: PersistentVolumeMount, driver: RegisteredDriver, caps: Set<NodeCapability>, target: string, staging: string, capability: VolumeCapability): Promise<void> {
    const size = pendingNodeResize(m.claim, m.pv);
    if (size === undefined) return;
    if (caps.has('EXPAND_VOLUME')) {
      try {
        await driver.client.node.call('NodeExpandVolume', { volumeId: m.pv.spec!.csi!.volumeHandle, volumePath: target, capacityRange: { requiredBytes: size }, stagingTargetPath: staging, volumeCapability: capability });
      } catch (err) {
        throw failure('MountVolume.NodeExpandVolume', driver, err);
      }
    }
    try {
      await this.o.api.finishNodeResize(m.claim, String(m.pv.spec!.capacity!.storage));
    } catch (err) {
      // Another writer changed the claim (or it went away): the next sync looks again.
      if (!isNotFound(err)) this.o.log('claim resize status not updated', { claim: `${m.claim.metadata?.namespace}/${m.claim.metadata?.name}`, error: String(err) });
      return;
    }
    this.o.recorder?.event({ ...m.pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${m.pv.metadata?.name}" ${this.o.nodeName}`);
  }

  /** NodeUnstageVolume once no pod directory on this node has the volume published. */
  private async unstageIfUnused(driver: RegisteredDriver, data: VolumeData, globalDir: string): Promise<void> {
    if (!(await this.capabilities(driver)).has('STAGE_UNSTAGE_VOLUME')) return;
    const staging = stagingPath(globalDir, data.driverName, data.volumeHandle);
    if (!existsSync(staging)) return;
    if (publishedElsewhere(resolve(globalDir, '..', '..'), data)) return;
    try {
      await driver.client.node.call('NodeUnstageVolume', { volumeId: data.volumeHandle, stagingTargetPath: staging });
    } catch (err) {
      throw failure('attacher.UnmountDevice', driver, err);
    }
    if (isMountPoint(staging)) throw new VolumeSetupError(`${CSI_LOG_PREFIX}attacher.UnmountDevice failed: ${staging} is still mounted after NodeUnstageVolume`);
    removeEmptyDir(staging);
    rmSync(join(dirname(staging), VOL_DATA_FILE), { force: true });
    removeEmptyDir(dirname(staging));
    this.o.log('CSI volume unstaged', { driver: data.driverName, volume: data.volumeHandle });
  }
}

/** Whether any pod directory under the kubelet root still has this volume published (its vol_data.json). */
function publishedElsewhere(root: string, data: VolumeData): boolean {
  const pods = join(root, 'pods');
  if (!existsSync(pods)) return false;
  for (const uid of readdirSync(pods)) {
    const dir = join(pods, uid, 'volumes', pluginDir(CSI_PLUGIN_NAME));
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const other = loadVolumeData(join(dir, name));
      if (other && other.driverName === data.driverName && other.volumeHandle === data.volumeHandle) return true;
    }
  }
  return false;
}

/** Removes a directory that is empty (never its contents: it may be the last sight of a volume's data). */
function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw err;
  }
}
