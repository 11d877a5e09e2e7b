// A multi-node cluster on one machine, each node in its own network namespace: a "lan" namespace
// holds a Linux bridge, every node namespace is plugged into it by a veth pair (10.99.0.2, .3, ...)
// and nothing has a route out. With `secondSubnet`, some nodes sit on a second bridge (10.98.0.0/24)
// instead, and the lan namespace routes between the two subnets (ip_forward), so those nodes share
// no L2 network with the others — as nodes in two racks or clouds. The server (`k8ts server`, whose embedded agent is the first node)
// and each `k8ts agent` run inside their namespace with their own containerd and data dir; a local
// registry on the bridge (10.99.0.1:5000) is every containerd's mirror for `k8ts.local`. kubectl
// runs inside the server's namespace, so no test traffic leaves namespaces the test created.
//
// destroy() removes everything whatever state the cluster is in: processes by PID (agents, the
// server, orphaned containerds, shims and their containers), mounts under the data dirs, the
// registry, the namespaces and the temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanupContainerd, unmountUnder } from '../../../src/kubelet/containerd/cleanup.js';
import { mountsUnder } from '../../../src/util/mountinfo.js';
import { containerdPaths } from '../../../src/kubelet/containerd/config.js';
import { BUSYBOX_IMAGE, type BuiltinImage } from '../../../src/kubelet/images/builtin.js';
import { K8TS_BIN, KUBECTL, run, type RunResult } from '../harness.js';
import { cgroupExists, processesMentioning, removeCgroupTree } from './leftovers.js';
import { TestNetns } from './netns.js';
import { TestRegistry } from './registry.js';

const SUBNET_PREFIX = '10.99.0';
const BRIDGE = 'br0';
const SECOND_SUBNET_PREFIX = '10.98.0';
const SECOND_BRIDGE = 'br1';
const REGISTRY_ADDRESS = `${SUBNET_PREFIX}.1:5000`;
const API_PORT = 6443;
const START_TIMEOUT_MS = 90_000;

export interface ClusterNode {
  name: string;
  role: 'server' | 'agent';
  ip: string;
  netns: TestNetns;
  dataDir: string;
  proc?: ChildProcess;
  /** The process's stderr (JSON log lines), kept for failure messages. */
  log: string[];
}

export interface NetnsClusterOptions {
  /** Agents besides the server's own node. */
  agents: number;
  /** Extra `k8ts server` flags, e.g. a short --node-monitor-grace-period. */
  serverArgs?: string[];
  /** Extra node flags for the server's node and each agent (e.g. --pod-network-backend vxlan, or per node its --cluster-dns). */
  nodeArgs?: string[] | ((node: { name: string; ip: string }) => string[]);
  /** Nodes (by name, e.g. 'agent-1') on a second subnet, reached from the first only through a router. */
  secondSubnet?: string[];
  /** k8ts images the registry serves besides busybox (the pause image is imported on each node), e.g. the k8ts image. */
  images?: BuiltinImage[];
}

export class NetnsClusterError extends Error {}

export class NetnsCluster {
  readonly nodes: ClusterNode[] = [];
  private lan?: TestNetns;
  private registry?: TestRegistry;
  private nodeArgs: NetnsClusterOptions['nodeArgs'];
  private serverArgs: string[] = [];

  private constructor(readonly root: string) {}

  static async start(o: NetnsClusterOptions): Promise<NetnsCluster> {
    const cluster = new NetnsCluster(mkdtempSync(join(tmpdir(), 'k8ts-netns-cluster-')));
    try {
      await cluster.build(o);
      return cluster;
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
  }

  get server(): ClusterNode {
    return this.nodes[0];
  }

  get kubeconfig(): string {
    return join(this.server.dataDir, 'kubeconfig.yaml');
  }

  /** The LAN namespace: outside every node, where a client of the cluster's nodes would be. */
  get lanNetns(): TestNetns {
    if (!this.lan) throw new NetnsClusterError('the cluster has no LAN namespace');
    return this.lan;
  }

  /** The LAN's own address on the bridge (the registry's). */
  get lanAddress(): string {
    return `${SUBNET_PREFIX}.1`;
  }

  node(name: string): ClusterNode {
    const n = this.nodes.find(x => x.name === name);
    if (!n) throw new NetnsClusterError(`no node ${name}`);
    return n;
  }

  /** The LAN namespace's path (outside every node), for traffic from "another machine". */
  get lanNetnsPath(): string {
    if (!this.lan) throw new NetnsClusterError('no LAN namespace');
    return this.lan.path;
  }

  /** kubectl inside the server's namespace. */
  kubectl(args: string[], input?: string): Promise<RunResult> {
    const [cmd, ...argv] = this.kubectlCommand(args);
    return run(cmd, argv, input);
  }

  /** The command line running kubectl inside the server's namespace, for spawning. Every cluster
   * here serves at the same address, so each keeps its own discovery cache (kubectl's default one,
   * keyed by host and port, would hand one cluster's API list to the next). */
  kubectlCommand(args: string[]): string[] {
    return ['nsenter', `--net=${this.server.netns.path}`, '--', KUBECTL, '--kubeconfig', this.kubeconfig, '--cache-dir', join(this.root, 'kubectl-cache'), ...args];
  }

  /** kubectl that must succeed; returns stdout. */
  async k(args: string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new NetnsClusterError(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Runs a command inside a node's namespace; returns stdout. */
  inNode(name: string, command: string, args: string[]): string {
    return this.node(name).netns.run(command, args);
  }

  /** The last lines of a node process's log, for assertion messages. */
  logTail(name: string, lines = 40): string {
    return this.node(name).log.join('').split('\n').slice(-lines).join('\n');
  }

  /** Stops a node's k8ts process (SIGKILL: a crash). Its containerd and containers stay. */
  async stopNode(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const n = this.node(name);
    if (n.proc) await stopProcess(n.proc, signal);
    n.proc = undefined;
  }

  /** Starts a stopped agent again with the same data dir, as after a reboot or upgrade (plus `extraArgs`). */
  async restartAgent(name: string, extraArgs: string[] = []): Promise<void> {
    const n = this.node(name);
    if (n.role !== 'agent') throw new NetnsClusterError(`${name} is not an agent`);
    if (n.proc) throw new NetnsClusterError(`${name} is running`);
    await this.startAgent(n, extraArgs);
  }

  /** Starts the stopped server (and its node) again with the same data dir and flags. */
  async restartServer(extra: string[] = []): Promise<void> {
    if (this.server.proc) throw new NetnsClusterError('the server is running');
    await this.startServer([...this.serverArgs, ...extra]);
  }

  private async build(o: NetnsClusterOptions): Promise<void> {
    this.lan = TestNetns.create('lan');
    this.lan.run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    this.lan.run('ip', ['addr', 'add', `${SUBNET_PREFIX}.1/24`, 'dev', BRIDGE]);
    this.lan.run('ip', ['link', 'set', BRIDGE, 'up']);
    this.nodeArgs = o.nodeArgs ?? [];
    const second = new Set(o.secondSubnet ?? []);
    if (second.size) {
      this.lan.run('ip', ['link', 'add', SECOND_BRIDGE, 'type', 'bridge']);
      this.lan.run('ip', ['addr', 'add', `${SECOND_SUBNET_PREFIX}.1/24`, 'dev', SECOND_BRIDGE]);
      this.lan.run('ip', ['link', 'set', SECOND_BRIDGE, 'up']);
      this.lan.run('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    }
    const names = ['server', ...Array.from({ length: o.agents }, (_, i) => `agent-${i + 1}`)];
    if (second.has('server')) throw new NetnsClusterError('the server stays on the first subnet (the registry is there)');
    names.forEach((name, i) => {
      const onSecond = second.has(name);
      this.addNode(name, i === 0 ? 'server' : 'agent', `${onSecond ? SECOND_SUBNET_PREFIX : SUBNET_PREFIX}.${i + 2}`, onSecond ? 'second' : second.size ? 'first' : 'only');
    });
    this.registry = await TestRegistry.start({ address: REGISTRY_ADDRESS, netns: this.lan.name });
    await this.registry.push([BUSYBOX_IMAGE, ...(o.images ?? [])]);

    this.serverArgs = o.serverArgs ?? [];
    await this.startServer(this.serverArgs);
    await Promise.all(this.nodes.filter(n => n.role === 'agent').map(n => this.startAgent(n)));
  }

  /** `subnet`: 'only' without a second subnet; otherwise the node also gets a route to the other one via the lan. */
  private addNode(name: string, role: ClusterNode['role'], ip: string, subnet: 'only' | 'first' | 'second'): void {
    const netns = TestNetns.create(role === 'server' ? 'srv' : 'agt');
    const dataDir = join(this.root, name);
    mkdirSync(dataDir);
    this.nodes.push({ name, role, ip, netns, dataDir, log: [] });
    const lanSide = `veth-${this.nodes.length}`;
    this.lan!.run('ip', ['link', 'add', lanSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns.name]);
    this.lan!.run('ip', ['link', 'set', lanSide, 'master', subnet === 'second' ? SECOND_BRIDGE : BRIDGE, 'up']);
    netns.run('ip', ['addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    netns.run('ip', ['link', 'set', 'eth0', 'up']);
    if (subnet === 'first') netns.run('ip', ['route', 'add', `${SECOND_SUBNET_PREFIX}.0/24`, 'via', `${SUBNET_PREFIX}.1`]);
    if (subnet === 'second') netns.run('ip', ['route', 'add', `${SUBNET_PREFIX}.0/24`, 'via', `${SECOND_SUBNET_PREFIX}.1`]);
  }

  private nodeFlags(n: ClusterNode): string[] {
    return ['--data-dir', n.dataDir, '--node-name', n.name, '--node-ip', n.ip, '--registry-mirror', `k8ts.local=http://${REGISTRY_ADDRESS}`,
      '--cgroup-root', this.cgroupRoot(n), ...(typeof this.nodeArgs === 'function' ? this.nodeArgs(n) : this.nodeArgs ?? [])];
  }

  /** Each node's pods under a cgroup of their own, so teardown can remove exactly those. */
  cgroupRoot(n: ClusterNode): string {
    return `/k8ts-e2e-${process.pid}-${n.name}`;
  }

  private async startServer(extra: string[]): Promise<void> {
    const n = this.server;
    await this.spawnNode(n, ['server', ...this.nodeFlags(n), '--bind-address', '0.0.0.0', '--advertise-address', n.ip,
      '--https-listen-port', String(API_PORT), ...extra], /^node: /m);
  }

  private async startAgent(n: ClusterNode, extraArgs: string[] = []): Promise<void> {
    await this.spawnNode(n, ['agent', ...this.nodeFlags(n), '--server', `https://${this.server.ip}:${API_PORT}`, '--token-file', join(this.server.dataDir, 'token'), ...extraArgs],
      /k8ts agent is running/);
  }

  /** Starts `k8ts ...` in the node's namespace (nsenter execs node, so the PID is node's). */
  private async spawnNode(n: ClusterNode, args: string[], ready: RegExp): Promise<void> {
    const proc = spawn('nsenter', [`--net=${n.netns.path}`, '--', process.execPath, K8TS_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    n.proc = proc;
    proc.stderr!.on('data', d => n.log.push(String(d)));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new NetnsClusterError(`${n.name} did not start within ${START_TIMEOUT_MS} ms:\n${out}\n${this.logTail(n.name)}`)), START_TIMEOUT_MS);
      proc.stdout!.on('data', d => {
        out += String(d);
        if (ready.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', code => {
        clearTimeout(timer);
        reject(new NetnsClusterError(`${n.name} exited with ${code}:\n${out}\n${this.logTail(n.name)}`));
      });
    });
  }

  /** Tears everything down; every step runs even if an earlier one failed. Throws the first error. */
  async destroy(): Promise<void> {
    const errors: unknown[] = [];
    const step = async (f: () => unknown) => {
      try {
        await f();
      } catch (err) {
        errors.push(err);
      }
    };
    await Promise.all(this.nodes.map(n => step(async () => {
      if (n.proc) await stopProcess(n.proc, 'SIGTERM');
      n.proc = undefined;
    })));
    for (const n of this.nodes) {
      const paths = containerdPaths(join(n.dataDir, 'agent', 'containerd'));
      await step(() => killOrphanContainerd(join(paths.dir, 'containerd.pid')));
      await step(() => cleanupContainerd(paths));
      await step(() => unmountUnder(n.dataDir));
      await step(() => removeCgroupTree(this.cgroupRoot(n)));
    }
    await step(() => this.registry?.stop());
    for (const ns of [...this.nodes.map(n => n.netns), this.lan]) await step(() => ns?.delete());
    await step(() => {
      if (mountsUnder(this.root).length === 0) rmSync(this.root, { recursive: true, force: true });
    });
    if (errors.length) throw errors[0];
  }
}

async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals, graceMs = 20_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise(resolve => proc.once('exit', resolve));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A containerd whose agent was killed keeps running; its PID is in the agent's pid file. */
async function killOrphanContainerd(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const alive = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('containerd');
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(); i++) await sleep(50);
}

/**
 * What a destroyed cluster left behind: processes started from its directory, mounts under it, the
 * directory itself, network namespaces and node cgroups. Empty when destroy() cleaned up.
 */
export function leftoversOf(c: NetnsCluster): string[] {
  return [
    ...processesMentioning(c.root).map(p => `process ${p}`),
    ...mountsUnder(c.root).map(m => `mount ${m}`),
    ...(existsSync(c.root) ? [`directory ${c.root}`] : []),
    ...[...c.nodes.map(n => n.netns), c.lanNetns].filter(ns => ns.exists).map(ns => `netns ${ns.name}`),
    ...c.nodes.map(n => c.cgroupRoot(n)).filter(cgroupExists).map(g => `cgroup ${g}`),
  ];
}

/** `ip route` of a node's namespace as "dst via gw" lines, for route assertions. */
export function routesOf(netns: TestNetns): string[] {
  return netns.run('ip', ['-4', 'route', 'show']).split('\n').filter(Boolean);
}
