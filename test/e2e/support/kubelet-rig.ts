// A real kubelet (kubelet-node.ts) on a real containerd in a network namespace of the test's,
// registered as a Ready node of a real k8ts server, for e2e tests of the kubelet. No agent runs:
// the rig writes the Node and its status itself. Pods get the test's own cgroup root, removed
// (and checked gone) by stop(), which cleans up whatever start() got as far as making.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCniConfig } from '../../../src/agent/cni-config.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { collectionPath, objectPath, R } from '../../../src/client/resources.js';
import { RuntimeClient } from '../../../src/kubelet/cri/client.js';
import { cleanupContainerd, removeAllPodSandboxes } from '../../../src/kubelet/containerd/cleanup.js';
import { ContainerdProcess } from '../../../src/kubelet/containerd/process.js';
import { IMPORTED_ON_START } from '../../../src/kubelet/images/builtin.js';
import { ensureBuiltinImages } from '../../../src/kubelet/images/load.js';
import { Daemon } from '../../../src/util/daemon.js';
import { eventually, TestCluster } from '../harness.js';
import type { KubeletNodeConfig } from './kubelet-node.js';
import { cgroupExists, removeCgroupTree } from './leftovers.js';
import { TestNetns } from './netns.js';
import { relayUnixToTcp } from './unix-relay.js';

const KUBELET_MAIN = fileURLToPath(new URL('kubelet-node.js', import.meta.url));
const HEARTBEAT_MS = 10_000;

export interface KubeletRigOptions {
  /** Names the temporary directory (k8ts-<purpose>-e2e-*) and the network namespace. */
  purpose: string;
  nodeName: string;
  podCIDR: string;
  /** The node's address: the CNI bridge's, inside the namespace. */
  nodeIP: string;
  /** The pods' cgroup root, the test's own (a real node's --cgroup-root). */
  cgroupRoot: string;
  /** Keep the node's Ready status fresh (every 10 s) as the agent would, for tests that outlast a heartbeat. */
  heartbeat?: boolean;
}

export class KubeletRigError extends Error {}

export class KubeletRig {
  private netns?: TestNetns;
  private containerd?: ContainerdProcess;
  private runtimeClient?: RuntimeClient;
  private testCluster?: TestCluster;
  private relay?: Server;
  private rest?: RestClient;
  private heartbeat?: NodeJS.Timeout;
  private kubelet?: Daemon;
  /** 'kubelet started' lines seen in the log: each start waits for one more. */
  private kubeletStarts = 0;

  private constructor(readonly dir: string, private readonly o: KubeletRigOptions) {}

  static async start(o: KubeletRigOptions): Promise<KubeletRig> {
    const rig = new KubeletRig(mkdtempSync(join(tmpdir(), `k8ts-${o.purpose}-e2e-`)), o);
    try {
      await rig.build();
      return rig;
    } catch (err) {
      // The start failure comes first; a failed clean-up after it is reported beside it, not instead.
      await rig.stop().catch((stopErr: unknown) => { throw new AggregateError([err, stopErr], `kubelet rig: start failed, then stop failed: ${String(stopErr)}`); });
      throw err;
    }
  }

  get cluster(): TestCluster {
    if (!this.testCluster) throw new KubeletRigError('the kubelet rig has no cluster');
    return this.testCluster;
  }

  get runtime(): RuntimeClient {
    if (!this.runtimeClient) throw new KubeletRigError('the kubelet rig has no runtime client');
    return this.runtimeClient;
  }

  /** containerd's CRI socket, for clients of the test's own (e.g. an ImageClient). */
  get criEndpoint(): string {
    if (!this.containerd) throw new KubeletRigError('the kubelet rig has no containerd');
    return this.containerd.endpoint;
  }

  /** kubectl against the cluster that must succeed; returns stdout. */
  k(args: string[], input?: string): Promise<string> {
    return this.cluster.k(args, input);
  }

  private get logFile(): string {
    return join(this.dir, 'kubelet.log');
  }

  private get configFile(): string {
    return join(this.dir, 'kubelet.json');
  }

  private async build(): Promise<void> {
    const { dir, o } = this;
    this.netns = TestNetns.create(o.purpose);
    writeCniConfig(join(dir, 'cni'), o.podCIDR, join(dir, 'ipam'));
    this.containerd = await ContainerdProcess.start({ dir: join(dir, 'containerd'), netns: this.netns.name, cniConfDir: join(dir, 'cni') });
    await ensureBuiltinImages(this.containerd.endpoint, IMPORTED_ON_START);
    this.runtimeClient = new RuntimeClient(this.containerd.endpoint);
    // The node's address is inside the test's namespace, out of the server's reach: no metrics scraping.
    this.testCluster = await TestCluster.start({ extraArgs: ['--disable-metrics-server'] });
    this.relay = await relayUnixToTcp(join(dir, 'api.sock'), Number(new URL(this.testCluster.url).port));
    const rest = this.rest = new RestClient(loadKubeconfig(this.testCluster.kubeconfig));
    await rest.create(collectionPath(R.nodes), { apiVersion: 'v1', kind: 'Node', metadata: { name: o.nodeName, labels: { 'kubernetes.io/hostname': o.nodeName } }, spec: { podCIDR: o.podCIDR } });
    // The node's status and heartbeat, as the agent would keep them.
    const beat = () => rest.patch(objectPath(R.nodes, undefined, o.nodeName, 'status'), {
      status: {
        addresses: [{ type: 'InternalIP', address: o.nodeIP }, { type: 'Hostname', address: o.nodeName }],
        capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z/, 'Z'), lastTransitionTime: '2026-01-01T00:00:00Z' }],
      },
    }, 'merge');
    await beat();
    if (o.heartbeat) this.heartbeat = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
    const config: KubeletNodeConfig = {
      kubeconfig: this.testCluster.kubeconfig, apiSocket: join(dir, 'api.sock'), criEndpoint: this.containerd.endpoint,
      nodeName: o.nodeName, nodeIPs: [o.nodeIP], rootDir: join(dir, 'kubelet'), cgroupParent: o.cgroupRoot,
    };
    writeFileSync(this.configFile, JSON.stringify(config));
    mkdirSync(config.rootDir, { recursive: true });
    await this.startKubelet();
  }

  /** Starts the kubelet process and waits (up to 30 s) for its next 'kubelet started' line. */
  private async startKubelet(): Promise<void> {
    const d = this.kubelet = Daemon.start({ command: process.execPath, args: [KUBELET_MAIN, this.configFile], logFile: this.logFile, netns: this.netns!.name });
    await eventually(() => readFileSync(this.logFile, 'utf8').split('\n').filter(l => l === 'kubelet started').length > this.kubeletStarts || !d.running, 30_000, 'kubelet start');
    assert.ok(d.running, readFileSync(this.logFile, 'utf8'));
    this.kubeletStarts++;
  }

  /** Stops the kubelet (its containers keep running) and starts a new one on the same state. */
  async restartKubelet(): Promise<void> {
    await this.kubelet?.stop(5_000);
    await this.startKubelet();
  }

  /**
   * Stops and removes everything: the kubelet, the pods' sandboxes, containerd and its state, the
   * relay, the cluster, the namespace, the cgroup root and the directory (the kubelet's log goes to
   * stderr first when K8TS_KEEP_LOGS is set). Fails if the cgroup root is left.
   */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.kubelet?.stop(5_000);
    if (this.runtimeClient) {
      await removeAllPodSandboxes(this.runtimeClient).catch(() => undefined);
      this.runtimeClient.close();
    }
    this.rest?.close();
    await this.containerd?.stop(5_000);
    if (this.containerd) await cleanupContainerd(this.containerd.paths, { removeDir: true });
    this.relay?.close();
    await this.testCluster?.stop();
    this.netns?.delete();
    await removeCgroupTree(this.o.cgroupRoot);
    if (process.env.K8TS_KEEP_LOGS && existsSync(this.logFile)) process.stderr.write(readFileSync(this.logFile, 'utf8'));
    rmSync(this.dir, { recursive: true, force: true });
    assert.equal(cgroupExists(this.o.cgroupRoot), false);
  }
}
