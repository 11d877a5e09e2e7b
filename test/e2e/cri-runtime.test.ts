// The runtime layer end to end, without a kubelet: a private containerd in the test's own network
// namespace with a CNI bridge, k8ts's offline-built images (pause imported, busybox pulled by name
// from a local registry through containerd's mirror), a pod sandbox and busybox containers driven
// through the CRI client. Afterwards nothing may remain: no process, mount, netns or directory.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CriError, ImageClient, RuntimeClient } from '../../src/kubelet/cri/client.js';
import type { ContainerConfig, PodSandboxConfig } from '../../src/kubelet/cri/types.js';
import { cleanupContainerd, removeAllPodSandboxes } from '../../src/kubelet/containerd/cleanup.js';
import { mountsUnder } from '../../src/util/mountinfo.js';
import { ContainerdProcess } from '../../src/kubelet/containerd/process.js';
import { BUSYBOX_IMAGE, PAUSE_IMAGE } from '../../src/kubelet/images/builtin.js';
import { ensureBuiltinImages } from '../../src/kubelet/images/load.js';
import { eventually } from './harness.js';
import { cgroupExists, processesMentioning, removeCgroup, watchRuntimeDefaultCgroup } from './support/leftovers.js';
import { TestNetns } from './support/netns.js';
import { TestRegistry } from './support/registry.js';

const POD_SUBNET = '10.244.7.0/24';
const REGISTRY_ADDRESS = '127.0.0.1:5000';
const MEMORY_LIMIT = 64 * 1024 * 1024;
// Our own cgroup parent, so the test can check the limit from outside and remove what it created.
const CGROUP_PARENT = `/k8ts-cri-test-${process.pid}`;

function cniConflist(dir: string): string {
  return JSON.stringify({
    cniVersion: '0.4.0',
    name: 'k8ts-cri-test',
    plugins: [
      {
        type: 'bridge',
        bridge: 'k8ts0',
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: POD_SUBNET }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  });
}

describe('CRI runtime: containerd in a netns, offline images, a busybox pod', () => {
  let dir: string;
  let netns: TestNetns;
  let registry: TestRegistry | undefined;
  let containerd: ContainerdProcess | undefined;
  let runtime: RuntimeClient;
  let images: ImageClient;
  let sandboxId: string;
  let sandboxConfig: PodSandboxConfig;
  let sleeperId: string;
  const defaultCgroup = watchRuntimeDefaultCgroup();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-cri-'));
    netns = TestNetns.create('cri');
    registry = await TestRegistry.start({ address: REGISTRY_ADDRESS, netns: netns.name });
    await registry.push([BUSYBOX_IMAGE]);
    const cniConfDir = join(dir, 'cni');
    mkdirSync(cniConfDir);
    writeFileSync(join(cniConfDir, '10-k8ts.conflist'), cniConflist(dir));
    containerd = await ContainerdProcess.start({
      dir: join(dir, 'containerd'),
      netns: netns.name,
      cniConfDir,
      registryMirrors: { 'k8ts.local': `http://${REGISTRY_ADDRESS}` },
    });
    runtime = new RuntimeClient(containerd.endpoint);
    images = new ImageClient(containerd.endpoint);
  });

  after(async () => {
    try {
      if (containerd?.running) await removeAllPodSandboxes(runtime);
    } finally {
      runtime?.close();
      images?.close();
      await containerd?.stop();
      if (containerd) await cleanupContainerd(containerd.paths);
      await registry?.stop();
      netns?.delete();
      removeCgroup(CGROUP_PARENT);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    // Nothing left: mounts, processes started from our dir, the netns, the cgroups.
    assert.deepEqual(mountsUnder(dir), []);
    assert.deepEqual(processesMentioning(dir), []);
    assert.equal(netns.exists, false);
    assert.equal(cgroupExists(CGROUP_PARENT), false);
    assert.equal(defaultCgroup.createdSince(), false, 'a sandbox without our cgroup parent left containerd\'s /k8s.io cgroup');
  });

  test('the network is ready once the conflist is in place', async () => {
    const status = await runtime.status();
    const network = status.status?.conditions.find(c => c.type === 'NetworkReady');
    assert.equal(network?.status, true, JSON.stringify(status));
  });

  test('the pause image is imported from the offline build; busybox is pulled by name through the mirror', async () => {
    assert.deepEqual(await ensureBuiltinImages(containerd!.endpoint, [PAUSE_IMAGE]), [PAUSE_IMAGE]);
    assert.deepEqual(await ensureBuiltinImages(containerd!.endpoint, [PAUSE_IMAGE]), [], 'a second call finds it present');
    assert.equal(await images.imageStatus(BUSYBOX_IMAGE), null);
    const ref = await images.pullImage(BUSYBOX_IMAGE);
    assert.match(ref, /^sha256:[0-9a-f]{64}$/);
    const image = await images.imageStatus(BUSYBOX_IMAGE);
    assert.ok(image?.repoTags.includes(BUSYBOX_IMAGE), JSON.stringify(image));
    assert.equal(image?.id, ref);
    const listed = (await images.listImages()).flatMap(i => i.repoTags);
    assert.ok(listed.includes(PAUSE_IMAGE) && listed.includes(BUSYBOX_IMAGE), listed.join(','));
    await assert.rejects(images.pullImage('k8ts.local/no-such-image:1'), (err: unknown) => err instanceof CriError && !err.notFound && err.details.includes('k8ts.local/no-such-image:1'));
  });

  test('a pod sandbox runs with a pod IP from the CNI subnet', async () => {
    sandboxConfig = {
      metadata: { name: 'web', namespace: 'default', uid: 'uid-cri-test', attempt: 0 },
      hostname: 'web',
      logDirectory: join(dir, 'pods', 'default_web_uid-cri-test'),
      dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
      portMappings: [{ protocol: 'TCP', containerPort: 80, hostPort: 8080 }],
      labels: { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-cri-test' },
      annotations: { 'kubernetes.io/config.source': 'api' },
      linux: { cgroupParent: CGROUP_PARENT, securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    };
    mkdirSync(sandboxConfig.logDirectory!, { recursive: true });
    sandboxId = await runtime.runPodSandbox(sandboxConfig);
    const status = await runtime.podSandboxStatus(sandboxId);
    assert.equal(status.state, 'SANDBOX_READY');
    assert.equal(status.metadata?.name, 'web');
    assert.equal(status.labels['io.kubernetes.pod.uid'], 'uid-cri-test');
    assert.equal(status.annotations['kubernetes.io/config.source'], 'api');
    assert.match(status.network?.ip ?? '', /^10\.244\.7\.\d+$/);
    assert.ok(status.createdAt > 0);
    const listed = await runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': 'uid-cri-test' } });
    assert.deepEqual(listed.map(s => s.id), [sandboxId]);
  });

  test('a busybox container runs with env, memory limit, DNS config and a CRI log file', async () => {
    const config: ContainerConfig = {
      metadata: { name: 'sleeper', attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command: ['sh', '-c'],
      args: ['echo hello from sleeper; exec sleep 3600'],
      envs: [{ key: 'GREETING', value: 'hi there' }],
      labels: { 'io.kubernetes.container.name': 'sleeper', 'io.kubernetes.pod.uid': 'uid-cri-test' },
      annotations: { 'io.kubernetes.container.restartCount': '0' },
      logPath: 'sleeper/0.log',
      linux: { resources: { memoryLimitInBytes: MEMORY_LIMIT, cpuShares: 256, cpuPeriod: 100_000, cpuQuota: 50_000 } },
    };
    sleeperId = await runtime.createContainer(sandboxId, config, sandboxConfig);
    await runtime.startContainer(sleeperId);
    const status = await runtime.containerStatus(sleeperId);
    assert.equal(status.state, 'CONTAINER_RUNNING');
    assert.equal(status.metadata?.name, 'sleeper');
    assert.equal(status.annotations['io.kubernetes.container.restartCount'], '0');
    assert.equal(status.logPath, join(sandboxConfig.logDirectory!, 'sleeper/0.log'));
    assert.ok(status.startedAt >= status.createdAt && status.finishedAt === 0);

    const exec = await runtime.execSync(sleeperId, ['sh', '-c', 'echo "$GREETING"; cat /sys/fs/cgroup/memory/memory.limit_in_bytes; echo oops >&2; exit 3'], 10);
    assert.equal(exec.exitCode, 3);
    assert.equal(exec.stdout.toString(), `hi there\n${MEMORY_LIMIT}\n`);
    assert.equal(exec.stderr.toString(), 'oops\n');
    // The limit is where the node's cgroup accounting will look for it.
    assert.equal(readFileSync(join('/sys/fs/cgroup/memory', CGROUP_PARENT, sleeperId, 'memory.limit_in_bytes'), 'utf8').trim(), String(MEMORY_LIMIT));
    assert.equal(readFileSync(join('/sys/fs/cgroup/cpu', CGROUP_PARENT, sleeperId, 'cpu.cfs_quota_us'), 'utf8').trim(), '50000');

    const resolv = (await runtime.execSync(sleeperId, ['cat', '/etc/resolv.conf'], 10)).stdout.toString();
    assert.match(resolv, /nameserver 10\.96\.0\.10/);
    assert.match(resolv, /search default\.svc\.cluster\.local/);
    const hostname = (await runtime.execSync(sleeperId, ['hostname'], 10)).stdout.toString();
    assert.equal(hostname, 'web\n');

    // CRI log format: "<RFC3339Nano> stdout F <line>".
    const log = await eventually(() => {
      const text = readFileSync(status.logPath, 'utf8');
      return text.includes('hello from sleeper') && text;
    }, 10_000, 'container log line');
    assert.match(log, /^\S+ stdout F hello from sleeper$/m);

    // Log rotation as the kubelet does it: move the file away, have the runtime reopen its path.
    renameSync(status.logPath, `${status.logPath}.1`);
    await runtime.reopenContainerLog(sleeperId);
    assert.ok(existsSync(status.logPath), 'reopened log file');

    const stats = await runtime.containerStats(sleeperId);
    assert.equal(stats.attributes?.id, sleeperId);
    assert.ok((stats.memory?.workingSetBytes?.value ?? 0) > 0, JSON.stringify(stats.memory));

    const streamUrl = await runtime.exec({ containerId: sleeperId, cmd: ['sh'], stdin: true, stdout: true });
    assert.match(streamUrl, /^http:\/\/127\.0\.0\.1:\d+\/exec\//);

    await runtime.updateContainerResources(sleeperId, { memoryLimitInBytes: 2 * MEMORY_LIMIT });
    const limit = await runtime.execSync(sleeperId, ['cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes'], 10);
    assert.equal(limit.stdout.toString(), `${2 * MEMORY_LIMIT}\n`);
  });

  test('the pod is reachable from the node over the CNI bridge, and through its hostPort', async () => {
    const webId = await runtime.createContainer(sandboxId, {
      metadata: { name: 'httpd', attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command: ['sh', '-c', 'mkdir -p /www && echo served by the pod > /www/index.html && exec httpd -f -p 80 -h /www'],
      labels: { 'io.kubernetes.container.name': 'httpd' },
      logPath: 'httpd/0.log',
    }, sandboxConfig);
    await runtime.startContainer(webId);
    const podIp = (await runtime.podSandboxStatus(sandboxId)).network!.ip;
    // From the node (the test's netns), to the pod IP and to the hostPort on the bridge's gateway address.
    const direct = await eventually(() => netns.run('busybox', ['wget', '-q', '-O', '-', `http://${podIp}:80/`]), 30_000, 'httpd on the pod IP');
    assert.equal(direct, 'served by the pod\n');
    assert.equal(netns.run('busybox', ['wget', '-q', '-O', '-', 'http://10.244.7.1:8080/']), 'served by the pod\n');
    await runtime.stopContainer(webId, 0);
    await runtime.removeContainer(webId);
  });

  test('an exiting container reports its exit code and reason', async () => {
    const id = await runtime.createContainer(sandboxId, {
      metadata: { name: 'quitter', attempt: 0 },
      image: { image: BUSYBOX_IMAGE },
      command: ['sh', '-c', 'echo bye >&2; exit 7'],
      labels: { 'io.kubernetes.container.name': 'quitter' },
      logPath: 'quitter/0.log',
    }, sandboxConfig);
    await runtime.startContainer(id);
    const status = await eventually(async () => {
      const s = await runtime.containerStatus(id);
      return s.state === 'CONTAINER_EXITED' && s;
    }, 20_000, 'quitter to exit');
    assert.equal(status.exitCode, 7);
    assert.equal(status.reason, 'Error');
    // Both set; containerd may stamp a very short-lived process's finish before its start.
    assert.ok(status.startedAt > 0 && status.finishedAt > 0, JSON.stringify(status));
    assert.match(readFileSync(status.logPath, 'utf8'), /^\S+ stderr F bye$/m);

    const running = await runtime.listContainers({ podSandboxId: sandboxId, state: { state: 'CONTAINER_RUNNING' } });
    assert.deepEqual(running.map(c => c.id), [sleeperId]);
    const exited = await runtime.listContainers({ labelSelector: { 'io.kubernetes.container.name': 'quitter' } });
    assert.deepEqual(exited.map(c => c.state), ['CONTAINER_EXITED']);
    await runtime.removeContainer(id);
    await assert.rejects(runtime.containerStatus(id), (err: unknown) => err instanceof CriError && err.notFound);
  });

  test('stopping and removing the containers and the sandbox leaves the runtime empty', async () => {
    await runtime.stopContainer(sleeperId, 1);
    assert.equal((await runtime.containerStatus(sleeperId)).state, 'CONTAINER_EXITED');
    await runtime.removeContainer(sleeperId);
    await runtime.removeContainer(sleeperId); // idempotent, as CRI requires
    await runtime.stopPodSandbox(sandboxId);
    assert.equal((await runtime.podSandboxStatus(sandboxId)).state, 'SANDBOX_NOTREADY');
    await runtime.removePodSandbox(sandboxId);
    assert.deepEqual(await runtime.listPodSandbox(), []);
    assert.deepEqual(await runtime.listContainers(), []);
    await images.removeImage(BUSYBOX_IMAGE);
    assert.equal(await images.imageStatus(BUSYBOX_IMAGE), null);
  });
});
