// A multi-node cluster on one machine, each node in its own network namespace: a "lan" namespace
// holds a Linux bridge, every node namespace is plugged into it by a veth pair (10.99.0.2, .3, ...)
// and nothing has a route out. With `secondSubnet`, some nodes sit on a second bridge (10.98.0.0/24)
// instead, and the lan namespace routes between the two subnets (ip_forward), so those nodes share
// no L2 network with the others — as nodes in two racks or clouds. The server (`k8ts server`, whose embedded agent is the first node)
// and each `k8ts agent` run inside their namespace with their own containerd and data dir. With
// `servers` > 1 the cluster is highly available: every server runs an embedded etcd member
// (`--cluster-init`), the second and later ones joined to the first (`--server`, its token); agents
// are given the first server and learn the others from the `kubernetes` Endpoints. A local
// registry on the bridge (10.99.0.1:5000) is every containerd's mirror for `k8ts.local`. kubectl
// runs inside the server's namespace, so no test traffic leaves namespaces the test created.
//
// destroy() removes everything whatever state the cluster is in: processes by PID (agents, the
// servers, orphaned etcd members and containerds, shims and their containers), mounts under the data dirs, the
// registry, the namespaces and the temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanupContainerd, unmountUnder } from '../../../src/kubelet/containerd/cleanup.js';
import { mountsUnder } from '../../../src/util/mountinfo.js';
import { containerdPaths } from '../../../src/kubelet/containerd/config.js';
import { embeddedEtcdPaths, stopLeftoverMember } from '../../../src/storage/etcd/embedded-paths.js';
import { livePid } from '../../../src/util/pid-file.js';
import { BUSYBOX_IMAGE, type BuiltinImage } from '../../../src/kubelet/images/builtin.js';
import { eventually, K8TS_BIN, KUBECTL, run, type RunResult } from '../harness.js';
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
  /** The veth end in the LAN namespace: down, the node is cut off the network. */
  lanLink: string;
  proc?: ChildProcess;
  /** The process's stderr (JSON log lines), kept for failure messages. */
  log: string[];
}

export interface NetnsClusterOptions {
  /** Agents besides the servers' own nodes. */
  agents: number;
  /** Servers (default 1, kept in SQLite); more make one etcd cluster (nodes `server`, `server-2`, ...). */
  servers?: number;
  /** Extra flags for every `k8ts server`, e.g. a short --node-monitor-grace-period or --disable-agent. */
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
  /** Each server's own flags (a joiner's --server and token) besides serverArgs. */
  private readonly ownServerArgs = new Map<string, string[]>();

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

  /** The first server. */
  get server(): ClusterNode {
    return this.nodes[0];
  }

  get servers(): ClusterNode[] {
    return this.nodes.filter(n => n.role === 'server');
  }

  /** A server's API URL. */
  url(name = 'server'): string {
    return `https://${this.node(name).ip}:${API_PORT}`;
  }

  /** The first server's admin kubeconfig (each server writes one naming itself). */
  get kubeconfig(): string {
    return this.kubeconfigOf('server');
  }

  kubeconfigOf(name: string): string {
    return join(this.node(name).dataDir, 'kubeconfig.yaml');
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

  /** kubectl inside a server's namespace (the first one's by default), talking to that server. */
  kubectl(args: string[], input?: string, server = 'server'): Promise<RunResult> {
    const [cmd, ...argv] = this.kubectlCommand(args, server);
    return run(cmd, argv, input);
  }

  /** The command line running kubectl inside a server's namespace, for spawning. Every cluster
   * here serves at the same address, so each keeps its own discovery cache (kubectl's default one,
   * keyed by host and port, would hand one cluster's API list to the next). */
  kubectlCommand(args: string[], server = 'server'): string[] {
    return ['nsenter', `--net=${this.node(server).netns.path}`, '--', KUBECTL, '--kubeconfig', this.kubeconfigOf(server), '--cache-dir', join(this.root, `kubectl-cache-${server}`), ...args];
  }

  /** kubectl that must succeed; returns stdout. */
  async k(args: string[], input?: string, server = 'server'): Promise<string> {
    const r = await this.kubectl(args, input, server);
    if (r.code !== 0) throw new NetnsClusterError(`kubectl ${args.join(' ')} (server ${server}) failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Waits (up to 90 s) until the cluster has exactly `count` nodes, all Ready. */
  async waitForReadyNodes(count: number): Promise<void> {
    await eventually(async () => {
      const nodes = JSON.parse(await this.k(['get', 'nodes', '-o', 'json'])).items as { status?: { conditions?: { type: string; status: string }[] } }[];
      return nodes.length === count && nodes.every(n => n.status?.conditions?.some(x => x.type === 'Ready' && x.status === 'True'));
    }, 90_000, `${count} Ready node(s)`);
  }

  /** Runs `k8ts ARGS` inside a node's namespace to its end (e.g. etcd-member list, etcd-snapshot save). */
  k8ts(name: string, args: string[]): Promise<RunResult> {
    return run('nsenter', [`--net=${this.node(name).netns.path}`, '--', process.execPath, K8TS_BIN, ...args]);
  }

  /** Runs a stopped server with its flags plus `extra` to its exit (a --cluster-reset run). */
  runServerToExit(name: string, extra: string[]): Promise<RunResult> {
    const n = this.node(name);
    if (n.proc) throw new NetnsClusterError(`${name} is running`);
    return this.k8ts(name, this.serverCommand(n, extra));
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

  /** Starts a stopped server (the first by default, with its node) again with the same data dir and flags. */
  async restartServer(extra: string[] = [], name = 'server'): Promise<void> {
    const n = this.node(name);
    if (n.role !== 'server') throw new NetnsClusterError(`${name} is not a server`);
    if (n.proc) throw new NetnsClusterError(`${name} is running`);
    await this.startServer(n, extra);
  }

  /**
   * Kills a server as if its machine died: SIGKILL to the server and to its etcd member (a process
   * of its own, which would otherwise live on and keep its place in the etcd cluster).
   */
  async crashServer(name: string): Promise<void> {
    const n = this.node(name);
    const { pidFile } = embeddedEtcdPaths(n.dataDir);
    const member = livePid(pidFile);
    await this.stopNode(name, 'SIGKILL');
    if (member === undefined) return;
    // The kernel kills the member with its server (its parent-death signal); this is for a member
    // that outlived it all the same.
    try {
      process.kill(member, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
    for (let i = 0; i < 200 && livePid(pidFile) === member; i++) await sleep(50);
    if (livePid(pidFile) === member) throw new NetnsClusterError(`${name}'s etcd member (PID ${member}) did not die`);
  }

  /** Cuts a node off the network (its veth down, seen from the LAN) or plugs it back in. */
  setLink(name: string, up: boolean): void {
    this.lanNetns.run('ip', ['link', 'set', this.node(name).lanLink, up ? 'up' : 'down']);
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
    const servers = o.servers ?? 1;
    const serverNames = Array.from({ length: servers }, (_, i) => (i === 0 ? 'server' : `server-${i + 1}`));
    const names = [...serverNames, ...Array.from({ length: o.agents }, (_, i) => `agent-${i + 1}`)];
    if (serverNames.some(n => second.has(n))) throw new NetnsClusterError('the servers stay on the first subnet (the registry is there)');
    names.forEach((name, i) => {
      const onSecond = second.has(name);
      this.addNode(name, i < servers ? 'server' : 'agent', `${onSecond ? SECOND_SUBNET_PREFIX : SUBNET_PREFIX}.${i + 2}`, onSecond ? 'second' : second.size ? 'first' : 'only');
    });
    this.registry = await TestRegistry.start({ address: REGISTRY_ADDRESS, netns: this.lan.name });
    await this.registry.push([BUSYBOX_IMAGE, ...(o.images ?? [])]);

    this.serverArgs = o.serverArgs ?? [];
    // One at a time: a joiner's etcd member is added to the cluster as a learner and promoted once in sync.
    for (const n of this.servers) {
      const etcd = servers === 1 ? [] : ['--cluster-init'];
      const joining = n === this.server ? [] : ['--server', this.url(), '--token-file', join(this.server.dataDir, 'token')];
      this.ownServerArgs.set(n.name, [...etcd, ...joining]);
      await this.startServer(n);
    }
    await Promise.all(this.nodes.filter(n => n.role === 'agent').map(n => this.startAgent(n)));
  }

  /** `subnet`: 'only' without a second subnet; otherwise the node also gets a route to the other one via the lan. */
  private addNode(name: string, role: ClusterNode['role'], ip: string, subnet: 'only' | 'first' | 'second'): void {
    const netns = TestNetns.create(role === 'server' ? 'srv' : 'agt');
    const dataDir = join(this.root, name);
    mkdirSync(dataDir);
    const lanSide = `veth-${this.nodes.length + 1}`;
    this.nodes.push({ name, role, ip, netns, dataDir, lanLink: lanSide, log: [] });
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

  /** Starts a server with the cluster's and its own flags (plus `extra`); ready once it printed how to reach it. */
  private async startServer(n: ClusterNode, extra: string[] = []): Promise<void> {
    await this.spawnNode(n, this.serverCommand(n, extra), /^try: /m);
  }

  private serverCommand(n: ClusterNode, extra: string[]): string[] {
    return ['server', ...this.nodeFlags(n), '--bind-address', '0.0.0.0', '--advertise-address', n.ip,
      '--https-listen-port', String(API_PORT), ...this.serverArgs, ...this.ownServerArgs.get(n.name) ?? [], ...extra];
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
      if (n.role === 'server') await step(() => stopLeftoverMember(n.dataDir));
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
    ...c.nodes.map(n => c.cgroupRoot(n)).filter(g => cgroupExists(g)).map(g => `cgroup ${g}`),
  ];
}

/** `ip route` of a node's namespace as "dst via gw" lines, for route assertions. */
export function routesOf(netns: TestNetns): string[] {
  return netns.run('ip', ['-4', 'route', 'show']).split('\n').filter(Boolean);
}
