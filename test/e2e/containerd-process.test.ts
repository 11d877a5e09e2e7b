// A private containerd inside a test network namespace: it starts, answers CRI, runs in that netns,
// stops by PID and leaves nothing behind. Pods through it are in cri-runtime.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RuntimeClient } from '../../src/kubelet/cri/client.js';
import { cleanupContainerd } from '../../src/kubelet/containerd/cleanup.js';
import { mountsUnder } from '../../src/util/mountinfo.js';
import { ContainerdProcess, ContainerdStartError } from '../../src/kubelet/containerd/process.js';
import { PAUSE_IMAGE } from '../../src/kubelet/images/builtin.js';
import { ensurePauseImage } from '../../src/kubelet/images/load.js';
import { processesMentioning, removeCgroup, watchRuntimeDefaultCgroup } from './support/leftovers.js';
import { TestNetns } from './support/netns.js';

test('containerd starts in a netns, answers CRI Version, and stops by PID', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-containerd-'));
  const netns = TestNetns.create('ctrd');
  let containerd: ContainerdProcess | undefined;
  try {
    containerd = await ContainerdProcess.start({ dir, netns: netns.name, cniConfDir: join(dir, 'cni') });
    const runtime = new RuntimeClient(containerd.endpoint);
    try {
      const version = await runtime.version();
      assert.equal(version.runtimeName, 'containerd');
      assert.equal(version.runtimeApiVersion, 'v1');
      const status = await runtime.status();
      assert.ok(status.status?.conditions.some(c => c.type === 'RuntimeReady' && c.status));
    } finally {
      runtime.close();
    }
    // The daemon is in the test's netns, not the host's.
    assert.equal(statSync(`/proc/${containerd.pid}/ns/net`).ino, statSync(netns.path).ino);
    const pid = containerd.pid;
    await containerd.stop();
    assert.equal(containerd.running, false);
    assert.equal(existsSync(`/proc/${pid}`), false);
  } finally {
    await containerd?.stop();
    if (containerd) await cleanupContainerd(containerd.paths, { removeDir: true });
    netns.delete();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(mountsUnder(dir), []);
  assert.equal(netns.exists, false);
});

test('after containerd is killed with a pod running, cleanup leaves no process, mount or cgroup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-containerd-'));
  const netns = TestNetns.create('ctrd');
  const cgroupParent = `/k8ts-containerd-crash-${process.pid}`;
  const defaultCgroup = watchRuntimeDefaultCgroup();
  let containerd: ContainerdProcess | undefined;
  try {
    containerd = await ContainerdProcess.start({ dir, netns: netns.name, cniConfDir: join(dir, 'cni') });
    await ensurePauseImage(containerd.endpoint);
    const runtime = new RuntimeClient(containerd.endpoint);
    // The node's network (the test netns): no CNI needed for this.
    const sandboxConfig = {
      metadata: { name: 'crash', namespace: 'default', uid: 'uid-crash', attempt: 0 },
      linux: { cgroupParent, securityContext: { namespaceOptions: { network: 'NODE' as const } } },
    };
    let containerId: string;
    try {
      const sandboxId = await runtime.runPodSandbox(sandboxConfig);
      containerId = await runtime.createContainer(sandboxId, { metadata: { name: 'c', attempt: 0 }, image: { image: PAUSE_IMAGE } }, sandboxConfig);
      await runtime.startContainer(containerId);
    } finally {
      runtime.close();
    }
    const memoryCgroup = join('/sys/fs/cgroup/memory', cgroupParent, containerId);
    assert.ok(existsSync(memoryCgroup));
    assert.ok(mountsUnder(dir).length >= 2, 'sandbox and container rootfs are mounted');

    process.kill(containerd.pid, 'SIGKILL');
    await containerd.exited;
    // Containers outlive containerd in their shims, as upstream.
    assert.ok(processesMentioning(dir).some(cmd => cmd.includes('containerd-shim')));

    const result = await cleanupContainerd(containerd.paths);
    assert.equal(result.deletedContainers.length, 2);
    assert.ok(result.killedPids.length >= 1);
    assert.deepEqual(processesMentioning(dir), []);
    assert.deepEqual(mountsUnder(dir), []);
    assert.equal(existsSync(memoryCgroup), false);
    assert.equal(defaultCgroup.createdSince(), false);
  } finally {
    await containerd?.stop();
    if (containerd) await cleanupContainerd(containerd.paths, { removeDir: true });
    removeCgroup(cgroupParent);
    netns.delete();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory too deep for unix sockets is refused up front', async () => {
  const dir = join(tmpdir(), 'k8ts-containerd-'.padEnd(100, 'x'));
  await assert.rejects(ContainerdProcess.start({ dir, cniConfDir: join(dir, 'cni') }), (err: unknown) => err instanceof ContainerdStartError && /too deep/.test(err.message));
  assert.equal(existsSync(dir), false);
});

test('a containerd that cannot start is reported with its log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-containerd-'));
  try {
    // A stand-in binary that fails at once, as containerd does on a bad config or a busy socket.
    const fakeBinary = join(dir, 'containerd-broken');
    writeFileSync(fakeBinary, '#!/bin/sh\necho "refusing to start: $*" >&2\nexit 3\n', { mode: 0o755 });
    await assert.rejects(
      ContainerdProcess.start({ dir, cniConfDir: join(dir, 'cni'), binary: fakeBinary, startTimeoutMs: 10_000 }),
      (err: unknown) => err instanceof ContainerdStartError && /exited with 3/.test(err.message) && /refusing to start: --config/.test(err.log),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
