import assert from 'node:assert/strict';
import { test } from 'node:test';
import { osImage, readMemory, type MachineInfo } from './machine-info.js';
import { nodeConditions, HEALTHY } from '../../api/node-object.js';
import { nodeAllocatable, nodeCapacity, diskPressure } from './node-resources.js';
import { composeNodeStatus, nodeImages, runtimeNotReadyMessage, statusChanged, MAX_IMAGES, type NodeStatusInputs } from './node-status.js';

const machine: MachineInfo = {
  cpuCores: 2, memoryBytes: 24684092 * 1024, machineID: 'm', systemUUID: 'u', bootID: 'b',
  kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', architecture: 'amd64',
};
const fs = { capacityBytes: 100 * 2 ** 30, availableBytes: 50 * 2 ** 30, inodes: 1000, inodesFree: 900 };
const ready = [
  { type: 'RuntimeReady', status: true, reason: '', message: '' },
  { type: 'NetworkReady', status: true, reason: '', message: '' },
];

test('capacity from the machine; allocatable minus upstream hard eviction thresholds', () => {
  assert.deepEqual(nodeCapacity(machine, fs, { 'hugepages-2Mi': 0 }), {
    cpu: '2', memory: '24684092Ki', 'ephemeral-storage': '100Gi', pods: '110', 'hugepages-2Mi': '0',
  });
  const alloc = nodeAllocatable(machine, fs, {});
  assert.equal(alloc.memory, `${24684092 - 100 * 1024}Ki`);
  assert.equal(alloc['ephemeral-storage'], '90Gi');
  assert.equal(diskPressure({ ...fs, availableBytes: 5 * 2 ** 30 }), true);
  assert.equal(diskPressure({ ...fs, inodesFree: 10 }), true);
  assert.equal(diskPressure(fs), false);
});

test('meminfo and os-release parse as on Debian', () => {
  assert.deepEqual(readMemory('MemTotal:       2048 kB\nMemFree: 1 kB\nMemAvailable:    1024 kB\n'), { totalBytes: 2048 * 1024, availableBytes: 1024 * 1024 });
  assert.equal(osImage('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(osImage(''), 'Linux');
});

test('Ready follows the runtime: not ready until the CNI network is, with upstream wording', () => {
  assert.equal(runtimeNotReadyMessage(undefined), 'container runtime is down');
  assert.equal(runtimeNotReadyMessage([ready[0], { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' }]),
    'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized');
  assert.equal(runtimeNotReadyMessage(ready), undefined);
});

test('conditions keep their transition time while unchanged; heartbeats alone are no change', () => {
  const inputs: NodeStatusInputs = {
    machine, fs, memory: { totalBytes: 1e10, availableBytes: 5e9 }, addresses: [{ type: 'InternalIP', address: '10.99.0.3' }, { type: 'Hostname', address: 'n1' }],
    kubeletPort: 10250, runtime: { runtimeVersion: 'containerd://1.6.20', runtimeConditions: ready, images: [] },
  };
  const first = composeNodeStatus(inputs, undefined, '2026-01-01T00:00:00Z');
  const second = composeNodeStatus(inputs, first.conditions, '2026-01-01T00:00:10Z');
  assert.equal(second.conditions!.find(c => c.type === 'Ready')!.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(second.conditions!.find(c => c.type === 'Ready')!.lastHeartbeatTime, '2026-01-01T00:00:10Z');
  assert.equal(statusChanged(first, second), false);
  assert.equal(second.nodeInfo!.containerRuntimeVersion, 'containerd://1.6.20');
  assert.deepEqual(second.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  const down = composeNodeStatus({ ...inputs, runtime: { images: [] } }, second.conditions, '2026-01-01T00:00:20Z');
  assert.equal(statusChanged(second, down), true);
  const r = down.conditions!.find(c => c.type === 'Ready')!;
  assert.deepEqual([r.status, r.reason, r.lastTransitionTime], ['False', 'KubeletNotReady', '2026-01-01T00:00:20Z']);
  assert.deepEqual(nodeConditions(HEALTHY).map(c => c.status), ['False', 'False', 'False', 'True']);
});

test('images: largest first, digests then tags, unnamed ones dropped, at most 50', () => {
  const images = nodeImages([
    { repoTags: ['k8ts.local/pause:1'], repoDigests: ['k8ts.local/pause@sha256:aa'], size: 10 },
    { repoTags: ['k8ts.local/busybox:1'], repoDigests: [], size: 20 },
    { repoTags: [], repoDigests: [], size: 30 },
  ]);
  assert.deepEqual(images, [
    { names: ['k8ts.local/busybox:1'], sizeBytes: 20 },
    { names: ['k8ts.local/pause@sha256:aa', 'k8ts.local/pause:1'], sizeBytes: 10 },
  ]);
  const many = Array.from({ length: 60 }, (_, i) => ({ repoTags: [`i:${i}`], repoDigests: [], size: i }));
  assert.equal(nodeImages(many).length, MAX_IMAGES);
});
