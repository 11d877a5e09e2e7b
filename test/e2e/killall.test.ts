// `k8ts killall` and `k8ts uninstall` on a real node: a server with its embedded agent (VXLAN
// backend, so the node has a VTEP too) runs in its own network namespace with running pods, one of
// them with a hostPort (CNI's portmap chains). killall, run inside that namespace, must leave nothing:
// no server, containerd or shim process, no container in runc's state, no pod netns, no mount under
// the data dir, no cni0, no VXLAN device, no k8ts routes, no CNI-/KUBE- iptables chains, no
// kube-proxy nftables table, no pod
// cgroups, no pod IP allocations. Run again it finds nothing to do; uninstall then removes the data dir.
// After a crash (the server SIGKILLed, so its containerd runs on as an orphan) killall stops that
// containerd by its PID file and cleans up the same way.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { K8TS_BIN, eventually, run } from './harness.js';
import { mountsUnder } from '../../src/util/mountinfo.js';
import { containerdPaths } from '../../src/kubelet/containerd/config.js';
import { cgroupExists } from '../../src/util/cgroups.js';
import { processesMentioning } from './support/leftovers.js';
import { NetnsCluster } from './support/netns-cluster.js';
import { TestNetns } from './support/netns.js';
import { httpdContainer, pod, sleeperContainer } from './support/pods.js';

const PODS = [
  pod('web', {
    terminationGracePeriodSeconds: 30,
    containers: [httpdContainer('echo hi > /www/index.html', { ports: [{ containerPort: 8080, hostPort: 18080 }], readinessProbe: undefined })],
  }),
  pod('sleeper', { terminationGracePeriodSeconds: 30, containers: [sleeperContainer('sleep')] }),
].join('---\n');

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

describe('k8ts killall and uninstall', () => {
  let c: NetnsCluster;
  const node = () => c.server;
  const inNode = (cmd: string, args: string[]) => run('nsenter', [`--net=${node().netns.path}`, '--', cmd, ...args]);
  const k8ts = (args: string[]) => inNode(process.execPath, [K8TS_BIN, ...args]);
  const runcRoot = () => containerdPaths(join(node().dataDir, 'agent', 'containerd')).runcRoot;
  const containers = () => readdirSync(runcRoot()).flatMap(ns => readdirSync(join(runcRoot(), ns)));
  const chains = async () => (await inNode('iptables-save', [])).stdout.split('\n').filter(l => /^:(CNI-|KUBE-|K8TS)/.test(l));
  const nftTables = async () => (await inNode('nft', ['list', 'tables'])).stdout.split('\n').filter(l => l.includes('k8ts'));

  before(async () => {
    c = await NetnsCluster.start({ agents: 0, nodeArgs: ['--pod-network-backend', 'vxlan'] });
  });
  after(async () => {
    if (c) await c.destroy();
  });

  let started: number[] = [];

  test('a node with running pods has processes, containers, mounts, a pod network and cgroups', async () => {
    await c.k(['apply', '-f', '-'], PODS);
    await c.k(['wait', '--for=condition=Ready', 'pod/web', 'pod/sleeper', '--timeout=90s']);
    assert.ok(containers().length >= 4, 'two sandboxes and two containers');
    assert.equal((await inNode('ip', ['link', 'show', 'cni0'])).code, 0);
    assert.equal((await inNode('ip', ['link', 'show', 'k8ts.vxlan'])).code, 0);
    assert.ok((await chains()).some(l => l.startsWith(':CNI-HOSTPORT-DNAT')), 'portmap chains');
    assert.deepEqual(await nftTables(), ['table ip k8ts-proxy'], 'kube-proxy\'s nftables table');
    assert.ok(mountsUnder(node().dataDir).length > 0);
    assert.ok(cgroupExists(c.cgroupRoot(node())));
    started = [node().proc!.pid!, ...processesMentioning(node().dataDir).map(l => Number(l.split(':')[0]))];
    assert.ok(started.length >= 3, 'server, containerd and shims');
  });

  test('killall in another network namespace refuses, in one line, and touches nothing', async () => {
    const other = TestNetns.create('other');
    try {
      const r = await run('nsenter', [`--net=${other.path}`, '--', process.execPath, K8TS_BIN, 'killall', '--data-dir', node().dataDir]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^k8ts killall: the node runs in network namespace net:\[\d+\], this is net:\[\d+\]: run killall inside it[^\n]*\n$/);
    } finally {
      other.delete();
    }
    assert.ok(alive(node().proc!.pid!));
    assert.equal((await inNode('ip', ['link', 'show', 'cni0'])).code, 0);
  });

  test('killall stops and removes all of it, one line per thing', async () => {
    const r = await k8ts(['killall', '--data-dir', node().dataDir]);
    if (process.env.K8TS_KEEP_LOGS) process.stderr.write(r.stdout);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    for (const want of [/^stopped k8ts server \(pid \d+\)$/, /^deleted container /, /^deleted link cni0$/, /^deleted link k8ts\.vxlan$/,
      /^deleted iptables chain nat\/CNI-HOSTPORT-DNAT$/, /^deleted nftables table ip k8ts-proxy$/, /^removed cgroup /, /^removed pod IP allocations /]) {
      assert.ok(lines.some(l => want.test(l)), `${want} in:\n${r.stdout}`);
    }
    await eventually(() => node().proc!.exitCode !== null || node().proc!.signalCode !== null, 10_000, 'the server process to exit');
    assert.deepEqual(started.filter(alive), [], 'no server, containerd or shim process left');
    assert.deepEqual(processesMentioning(node().dataDir), []);
    assert.deepEqual(existsSync(runcRoot()) ? containers() : [], []);
    assert.notEqual((await inNode('ip', ['link', 'show', 'cni0'])).code, 0, 'cni0 is gone');
    assert.notEqual((await inNode('ip', ['link', 'show', 'k8ts.vxlan'])).code, 0, 'the VTEP is gone');
    assert.equal((await inNode('ip', ['route', 'show', 'proto', '75'])).stdout.trim(), '');
    assert.deepEqual(await chains(), []);
    assert.deepEqual(await nftTables(), []);
    assert.deepEqual(mountsUnder(node().dataDir), []);
    assert.equal(cgroupExists(c.cgroupRoot(node())), false);
    assert.equal(existsSync(join(node().dataDir, 'agent', 'cni', 'networks', 'k8ts')), false);
    const netnsDir = join(containerdPaths(join(node().dataDir, 'agent', 'containerd')).state, 'io.containerd.grpc.v1.cri', 'netns');
    assert.deepEqual(existsSync(netnsDir) ? readdirSync(netnsDir) : [], []);
  });

  test('killall again finds nothing to do; uninstall removes the data dir', async () => {
    const again = await k8ts(['killall', '--data-dir', node().dataDir]);
    assert.deepEqual([again.code, again.stdout, again.stderr], [0, '', '']);
    const r = await k8ts(['uninstall', '--data-dir', node().dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `removed ${node().dataDir}`);
    assert.equal(existsSync(node().dataDir), false);
  });

  test('a bad flag is one clear error line', async () => {
    const r = await k8ts(['killall', '--data-dri', '/x']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'k8ts: unknown flag: --data-dri\n');
  });
});

describe('k8ts killall after the node crashed', () => {
  let c: NetnsCluster;
  before(async () => {
    c = await NetnsCluster.start({ agents: 0 });
  });
  after(async () => {
    if (c) await c.destroy();
  });

  test('the orphaned containerd and the pods are stopped and removed', async () => {
    const n = c.server;
    await c.k(['apply', '-f', '-'], PODS);
    await c.k(['wait', '--for=condition=Ready', 'pod/web', 'pod/sleeper', '--timeout=90s']);
    const containerdPid = Number(readFileSync(join(n.dataDir, 'agent', 'containerd', 'containerd.pid'), 'utf8'));
    await c.stopNode(n.name, 'SIGKILL');
    assert.ok(alive(containerdPid), 'containerd outlives its killed server');
    const r = await run('nsenter', [`--net=${n.netns.path}`, '--', process.execPath, K8TS_BIN, 'uninstall', '--data-dir', n.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^stopped containerd \\(pid ${containerdPid}\\)$`, 'm'));
    assert.doesNotMatch(r.stdout, /stopped k8ts/, 'the server was already gone');
    assert.match(r.stdout, /^deleted link cni0$/m);
    assert.match(r.stdout, /^deleted iptables chain nat\/CNI-HOSTPORT-DNAT$/m);
    assert.equal(alive(containerdPid), false);
    assert.deepEqual(processesMentioning(n.dataDir), []);
    assert.equal(cgroupExists(c.cgroupRoot(n)), false);
    assert.equal(existsSync(n.dataDir), false);
  });
});
