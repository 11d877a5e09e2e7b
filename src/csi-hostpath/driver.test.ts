import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsiClient, CsiError, RegistrationClient } from '../client/csi/client.js';
import { isMountPoint, mountsUnder } from '../util/mountinfo.js';
import { runCommand } from '../util/command.js';
import { TOPOLOGY_KEY } from './capabilities.js';
import { HostPathDriver } from './driver.js';

const GiB = 1024 ** 3;
const MOUNT = { mount: {}, accessMode: { mode: 'SINGLE_NODE_WRITER' as const } };

interface Setup { dir: string; driver: HostPathDriver; client: CsiClient; socket: string; dataDir: string; restart(): Promise<CsiClient> }

async function setup(t: { after(fn: () => Promise<void>): void }, o: { enableAttach?: boolean; capacityBytes?: number } = {}): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'csi-hostpath-'));
  const socket = join(dir, 'plugin', 'csi.sock');
  const dataDir = join(dir, 'data');
  const start = () => new HostPathDriver({
    driverName: 'hostpath.csi.k8ts.io', nodeId: 'node-a', endpoint: `unix://${socket}`, dataDir,
    capacityBytes: o.capacityBytes ?? 10 * GiB, maxVolumeSizeBytes: 4 * GiB, enableAttach: o.enableAttach,
    registration: { registrationDir: join(dir, 'plugins_registry'), kubeletRegistrationPath: socket }, log: () => undefined,
  });
  let driver = start();
  await driver.start();
  let client = new CsiClient(socket, { timeoutMs: 10_000 });
  const restart = async () => {
    client.close();
    await driver.stop();
    driver = start();
    await driver.start();
    return (client = new CsiClient(socket, { timeoutMs: 10_000 }));
  };
  t.after(async () => {
    client.close();
    await driver.stop();
    for (const m of mountsUnder(dir)) await runCommand('umount', [m]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, driver, client, socket, dataDir, restart };
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof CsiError, `expected a CSI error, got ${String(err)}`);
  return grpc.status[err.code];
}

test('identity: name, capabilities, probe', async (t) => {
  const { client } = await setup(t);
  assert.deepEqual(await client.identity.call('GetPluginInfo', {}), { name: 'hostpath.csi.k8ts.io', vendorVersion: '1.0.0', manifest: {} });
  assert.deepEqual([...await client.pluginCapabilities()], ['CONTROLLER_SERVICE', 'VOLUME_ACCESSIBILITY_CONSTRAINTS']);
  assert.equal((await client.identity.call('Probe', {})).ready?.value, true);
  assert.deepEqual([...await client.controllerCapabilities()], ['CREATE_DELETE_VOLUME', 'LIST_VOLUMES', 'GET_CAPACITY', 'EXPAND_VOLUME']);
  assert.deepEqual([...await client.nodeCapabilities()], ['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'EXPAND_VOLUME']);
  const info = await client.node.call('NodeGetInfo', {});
  assert.equal(info.nodeId, 'node-a');
  assert.deepEqual(info.accessibleTopology?.segments, { [TOPOLOGY_KEY]: 'node-a' });
  // Without --enable-attach, ControllerPublish is not offered.
  assert.equal(await code(client.controller.call('ControllerPublishVolume', { volumeId: 'x', nodeId: 'node-a', volumeCapability: MOUNT })), 'UNIMPLEMENTED');
});

test('create, stage, publish (rw and ro), stats, expand, unpublish, unstage, delete — and state survives a restart', async (t) => {
  const s = await setup(t);
  const { dir, dataDir } = s;
  let client = s.client;
  const created = await client.controller.call('CreateVolume', {
    name: 'pvc-1', capacityRange: { requiredBytes: GiB }, volumeCapabilities: [MOUNT], parameters: { tier: 'x' },
    accessibilityRequirements: { requisite: [{ segments: { [TOPOLOGY_KEY]: 'node-a' } }] },
  });
  const vol = created.volume!;
  assert.equal(vol.capacityBytes, GiB);
  assert.deepEqual(vol.volumeContext, { tier: 'x' });
  assert.deepEqual(vol.accessibleTopology.map(t => t.segments), [{ [TOPOLOGY_KEY]: 'node-a' }]);
  // Idempotent by name.
  assert.equal((await client.controller.call('CreateVolume', { name: 'pvc-1', capacityRange: { requiredBytes: GiB }, volumeCapabilities: [MOUNT] })).volume?.volumeId, vol.volumeId);
  assert.equal(await code(client.controller.call('CreateVolume', { name: 'pvc-1', capacityRange: { requiredBytes: 2 * GiB }, volumeCapabilities: [MOUNT] })), 'ALREADY_EXISTS');
  assert.equal((await client.controller.call('GetCapacity', {})).availableCapacity, 9 * GiB);

  const staging = join(dir, 'kubelet', 'plugins', 'globalmount');
  const target = join(dir, 'kubelet', 'pods', 'uid1', 'mount');
  const targetRo = join(dir, 'kubelet', 'pods', 'uid2', 'mount');
  mkdirSync(staging, { recursive: true });
  // Publishing before staging is refused.
  assert.equal(await code(client.node.call('NodePublishVolume', { volumeId: vol.volumeId, stagingTargetPath: staging, targetPath: target, volumeCapability: MOUNT })), 'FAILED_PRECONDITION');
  await client.node.call('NodeStageVolume', { volumeId: vol.volumeId, stagingTargetPath: staging, volumeCapability: MOUNT });
  await client.node.call('NodeStageVolume', { volumeId: vol.volumeId, stagingTargetPath: staging, volumeCapability: MOUNT });
  assert.ok(isMountPoint(staging));
  await client.node.call('NodePublishVolume', { volumeId: vol.volumeId, stagingTargetPath: staging, targetPath: target, volumeCapability: MOUNT });
  await client.node.call('NodePublishVolume', { volumeId: vol.volumeId, stagingTargetPath: staging, targetPath: target, volumeCapability: MOUNT });
  await client.node.call('NodePublishVolume', { volumeId: vol.volumeId, stagingTargetPath: staging, targetPath: targetRo, volumeCapability: MOUNT, readonly: true });
  // The same target asked read-only after read-write: incompatible.
  assert.equal(await code(client.node.call('NodePublishVolume', { volumeId: vol.volumeId, stagingTargetPath: staging, targetPath: target, volumeCapability: MOUNT, readonly: true })), 'ALREADY_EXISTS');

  writeFileSync(join(target, 'hello.txt'), 'data from the pod\n');
  assert.equal(readFileSync(join(dataDir, 'volumes', vol.volumeId, 'hello.txt'), 'utf8'), 'data from the pod\n');
  assert.equal(readFileSync(join(targetRo, 'hello.txt'), 'utf8'), 'data from the pod\n');
  assert.throws(() => writeFileSync(join(targetRo, 'nope'), 'x'), /EROFS/);

  const stats = await client.node.call('NodeGetVolumeStats', { volumeId: vol.volumeId, volumePath: target });
  const bytes = stats.usage.find(u => u.unit === 'BYTES')!;
  assert.equal(bytes.total, GiB);
  assert.ok(bytes.used > 0 && bytes.available === GiB - bytes.used);
  assert.ok(stats.usage.find(u => u.unit === 'INODES')!.used >= 2);

  assert.equal(await code(client.node.call('NodeExpandVolume', { volumeId: vol.volumeId, volumePath: target, capacityRange: { requiredBytes: 2 * GiB } })), 'OUT_OF_RANGE');
  const grown = await client.controller.call('ControllerExpandVolume', { volumeId: vol.volumeId, capacityRange: { requiredBytes: 2 * GiB } });
  assert.deepEqual(grown, { capacityBytes: 2 * GiB, nodeExpansionRequired: true });
  assert.equal((await client.node.call('NodeExpandVolume', { volumeId: vol.volumeId, volumePath: target, capacityRange: { requiredBytes: 2 * GiB } })).capacityBytes, 2 * GiB);
  assert.equal(await code(client.controller.call('ControllerExpandVolume', { volumeId: vol.volumeId, capacityRange: { requiredBytes: 5 * GiB } })), 'OUT_OF_RANGE');

  // In use: not deletable.
  assert.equal(await code(client.controller.call('DeleteVolume', { volumeId: vol.volumeId })), 'FAILED_PRECONDITION');

  // A restarted driver knows its volumes and where they are published.
  client = await s.restart();
  const listed = await client.controller.call('ListVolumes', {});
  assert.deepEqual(listed.entries.map(e => [e.volume?.volumeId, e.volume?.capacityBytes]), [[vol.volumeId, 2 * GiB]]);
  const state = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as { volumes: { stagedAt: string[]; publishedAt: unknown[] }[] };
  assert.deepEqual(state.volumes[0].stagedAt, [staging]);
  assert.equal(state.volumes[0].publishedAt.length, 2);

  for (const p of [target, targetRo]) {
    await client.node.call('NodeUnpublishVolume', { volumeId: vol.volumeId, targetPath: p });
    await client.node.call('NodeUnpublishVolume', { volumeId: vol.volumeId, targetPath: p });
    assert.ok(!existsSync(p));
  }
  await client.node.call('NodeUnstageVolume', { volumeId: vol.volumeId, stagingTargetPath: staging });
  assert.ok(!isMountPoint(staging));
  await client.controller.call('DeleteVolume', { volumeId: vol.volumeId });
  await client.controller.call('DeleteVolume', { volumeId: vol.volumeId });
  assert.ok(!existsSync(join(dataDir, 'volumes', vol.volumeId)));
  assert.equal((await client.controller.call('ListVolumes', {})).entries.length, 0);
});

test('refusals: missing fields, block access, too large, excluded topology, unknown volumes', async (t) => {
  const { client } = await setup(t, { capacityBytes: 3 * GiB });
  assert.equal(await code(client.controller.call('CreateVolume', { volumeCapabilities: [MOUNT] })), 'INVALID_ARGUMENT');
  assert.equal(await code(client.controller.call('CreateVolume', { name: 'b', volumeCapabilities: [{ block: {}, accessMode: { mode: 'SINGLE_NODE_WRITER' } }] })), 'INVALID_ARGUMENT');
  assert.equal(await code(client.controller.call('CreateVolume', { name: 'c', capacityRange: { requiredBytes: 5 * GiB }, volumeCapabilities: [MOUNT] })), 'OUT_OF_RANGE');
  assert.equal(await code(client.controller.call('CreateVolume', { name: 'd', volumeCapabilities: [MOUNT], accessibilityRequirements: { requisite: [{ segments: { [TOPOLOGY_KEY]: 'node-b' } }] } })), 'RESOURCE_EXHAUSTED');
  await client.controller.call('CreateVolume', { name: 'e', capacityRange: { requiredBytes: 2 * GiB }, volumeCapabilities: [MOUNT] });
  assert.equal(await code(client.controller.call('CreateVolume', { name: 'f', capacityRange: { requiredBytes: 2 * GiB }, volumeCapabilities: [MOUNT] })), 'RESOURCE_EXHAUSTED');
  assert.equal(await code(client.node.call('NodeStageVolume', { volumeId: 'nope', stagingTargetPath: '/tmp/x', volumeCapability: MOUNT })), 'NOT_FOUND');
  assert.equal(await code(client.node.call('NodeGetVolumeStats', { volumeId: 'nope', volumePath: '/tmp' })), 'NOT_FOUND');
  assert.equal(await code(client.controller.call('ValidateVolumeCapabilities', { volumeId: 'nope', volumeCapabilities: [MOUNT] })), 'NOT_FOUND');
  const res = await client.controller.call('ValidateVolumeCapabilities', { volumeId: (await client.controller.call('ListVolumes', {})).entries[0].volume!.volumeId, volumeCapabilities: [{ block: {}, accessMode: { mode: 'SINGLE_NODE_WRITER' } }] });
  assert.equal(res.confirmed, null);
  assert.match(res.message, /block access type is not supported/);
});

test('inline ephemeral volume: created at publish with its size attribute, deleted at unpublish', async (t) => {
  const { dir, client, dataDir } = await setup(t);
  const target = join(dir, 'pods', 'uid3', 'mount');
  await client.node.call('NodePublishVolume', {
    volumeId: 'csi-abc123', targetPath: target, volumeCapability: MOUNT,
    volumeContext: { 'csi.storage.k8s.io/ephemeral': 'true', size: '64Mi', 'csi.storage.k8s.io/pod.name': 'p' },
  });
  writeFileSync(join(target, 'f'), 'x');
  assert.ok(existsSync(join(dataDir, 'volumes', 'csi-abc123', 'f')));
  const bytes = (await client.node.call('NodeGetVolumeStats', { volumeId: 'csi-abc123', volumePath: target })).usage.find(u => u.unit === 'BYTES')!;
  assert.equal(bytes.total, 64 * 1024 * 1024);
  await client.node.call('NodeUnpublishVolume', { volumeId: 'csi-abc123', targetPath: target });
  assert.ok(!existsSync(join(dataDir, 'volumes', 'csi-abc123')));
  assert.equal(await code(client.node.call('NodePublishVolume', { volumeId: 'csi-x', targetPath: target, volumeCapability: MOUNT, volumeContext: { 'csi.storage.k8s.io/ephemeral': 'true', size: 'lots' } })), 'INVALID_ARGUMENT');
});

test('attach when enabled: ControllerPublish records the node; staging requires it', async (t) => {
  const { dir, client } = await setup(t, { enableAttach: true });
  const id = (await client.controller.call('CreateVolume', { name: 'att', volumeCapabilities: [MOUNT] })).volume!.volumeId;
  const staging = join(dir, 'stage');
  assert.equal(await code(client.node.call('NodeStageVolume', { volumeId: id, stagingTargetPath: staging, volumeCapability: MOUNT })), 'FAILED_PRECONDITION');
  assert.equal(await code(client.controller.call('ControllerPublishVolume', { volumeId: id, nodeId: 'node-b', volumeCapability: MOUNT })), 'NOT_FOUND');
  assert.deepEqual(await client.controller.call('ControllerPublishVolume', { volumeId: id, nodeId: 'node-a', volumeCapability: MOUNT }), { publishContext: {} });
  await client.node.call('NodeStageVolume', { volumeId: id, stagingTargetPath: staging, volumeCapability: MOUNT });
  await client.node.call('NodeUnstageVolume', { volumeId: id, stagingTargetPath: staging });
  assert.equal(await code(client.controller.call('DeleteVolume', { volumeId: id })), 'FAILED_PRECONDITION');
  await client.controller.call('ControllerUnpublishVolume', { volumeId: id, nodeId: 'node-a' });
  await client.controller.call('DeleteVolume', { volumeId: id });
});

test('registrar: GetInfo names the driver and its socket; the kubelet verdict is kept; the socket goes at stop', async (t) => {
  const { dir, driver, socket } = await setup(t);
  const regSocket = join(dir, 'plugins_registry', 'hostpath.csi.k8ts.io-reg.sock');
  assert.ok(existsSync(regSocket));
  const reg = new RegistrationClient(regSocket, { timeoutMs: 5_000 });
  t.after(async () => reg.close());
  assert.deepEqual(await reg.registration.call('GetInfo', {}), { type: 'CSIPlugin', name: 'hostpath.csi.k8ts.io', endpoint: socket, supportedVersions: ['1.0.0'] });
  assert.deepEqual(driver.registration?.status, { state: 'waiting' });
  await reg.registration.call('NotifyRegistrationStatus', { pluginRegistered: false, error: 'no' });
  assert.deepEqual(driver.registration?.status, { state: 'rejected', error: 'no' });
  await reg.registration.call('NotifyRegistrationStatus', { pluginRegistered: true });
  assert.deepEqual(driver.registration?.status, { state: 'registered' });
  await driver.registration?.stop();
  assert.ok(!existsSync(regSocket));
});
