// `k8ts killall`: removes everything a k8ts node made on this machine (in the network namespace it
// runs in), as k3s-killall.sh does — the server/agent process, its embedded etcd member, its containerd, shims and containers,
// pod network namespaces, mounts under the data dir, the pod network (cni0, the VXLAN device, routes,
// iptables chains), the pods' cgroups and the pod IP allocations. Everything is found from the data
// dir (PID files, containerd's own directories, the recorded cgroup root) or by k8ts's own names,
// never by process name. Each step runs even if an earlier one failed; each thing removed is
// reported as one line.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { cleanupContainerd, unmountUnder } from '../kubelet/containerd/cleanup.js';
import { containerdPaths } from '../kubelet/containerd/config.js';
import { cleanupNetworkPolicyRules } from '../netpol/cleanup.js';
import { cleanupProxyRules } from '../proxy/iptables.js';
import { nftDeleteTable } from '../proxy/nft/nft.js';
import { TABLE as NFT_PROXY_TABLE } from '../proxy/nft/ruleset.js';
import { cgroupExists, removeCgroupTree } from '../util/cgroups.js';
import { livePid, pidFileOf, removePidFile } from '../util/pid-file.js';
import { stopLeftoverMember } from '../storage/etcd/embedded-paths.js';
import { agentPaths } from './agent-paths.js';
import { CNI_BRIDGE, CNI_NETWORK_NAME } from './cni-config.js';
import { deleteCommand, listOwnRoutes, runRouteCommands } from './ip-route.js';
import { removeChains } from './iptables-chains.js';
import { stopOrphanContainerd } from './node-runtime.js';
import { VXLAN_DEVICE } from './vxlan-plan.js';
import { removeVtep } from './vxlan.js';

/** How long `k8ts server`/`agent` get to stop on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 20_000;

export interface TeardownOptions {
  /** The data dir of the server or agent (`--data-dir`). */
  dataDir: string;
  /** The pods' cgroup root; default the one the agent recorded (none recorded: left alone). */
  cgroupRoot?: string;
  /** Called with one line per thing stopped or removed. */
  report: (line: string) => void;
}

export interface TeardownContext extends TeardownOptions {
  agentDir: string;
}

export interface TeardownStep {
  what: string;
  run(ctx: TeardownContext): Promise<void>;
}

export class TeardownError extends Error {}

/**
 * The steps, in order: processes first (so nothing recreates what later steps remove), then what
 * they left, including the iptables rules and ipsets of kube-proxy and the NetworkPolicy enforcer.
 */
export const TEARDOWN_STEPS: TeardownStep[] = [
  { what: 'stop the k8ts server/agent', run: stopK8tsProcess },
  { what: 'stop the embedded etcd member', run: async ctx => { const pid = await stopLeftoverMember(ctx.dataDir); if (pid) ctx.report(`stopped etcd (pid ${pid})`); } },
  { what: 'stop containerd', run: stopContainerd },
  { what: 'remove containers and shims', run: removeContainers },
  { what: 'remove pod network namespaces', run: removePodNetns },
  { what: 'unmount the data dir', run: async ctx => reportAll(ctx, 'unmounted', unmountUnder(ctx.dataDir)) },
  { what: `delete ${CNI_BRIDGE}`, run: async ctx => { if (await deleteLink(CNI_BRIDGE)) ctx.report(`deleted link ${CNI_BRIDGE}`); } },
  { what: `delete ${VXLAN_DEVICE}`, run: async ctx => { if (await removeVtep()) ctx.report(`deleted link ${VXLAN_DEVICE}`); } },
  { what: 'delete routes to pod networks', run: deletePodRoutes },
  { what: 'delete kube-proxy iptables chains', run: async ctx => reportAll(ctx, 'deleted iptables chain', await cleanupProxyRules()) },
  { what: 'delete the kube-proxy nftables table', run: async ctx => { if (await nftDeleteTable()) ctx.report(`deleted nftables table ip ${NFT_PROXY_TABLE}`); } },
  { what: 'delete NetworkPolicy iptables chains and ipsets', run: async ctx => reportAll(ctx, 'deleted', await cleanupNetworkPolicyRules()) },
  { what: 'delete CNI iptables chains', run: async ctx => reportAll(ctx, 'deleted iptables chain', await removeChains('CNI-')) },
  { what: 'remove pod cgroups', run: removePodCgroups },
  { what: 'release pod IPs', run: releasePodIPs },
];

/** Runs every step; returns the errors (each already reported as a line). */
export async function killall(o: TeardownOptions, steps = TEARDOWN_STEPS): Promise<TeardownError[]> {
  const ctx: TeardownContext = { ...o, agentDir: join(o.dataDir, 'agent') };
  // Links, routes and iptables chains are removed in the namespace killall runs in: it must be the
  // node's, or another network (the host's) would lose its cni0 and CNI chains.
  let recorded: string | undefined;
  try {
    recorded = readFileSync(agentPaths(ctx.agentDir).netnsFile, 'utf8').trim();
  } catch {
    recorded = undefined;
  }
  const here = readlinkSync('/proc/self/ns/net');
  if (recorded && recorded !== here) {
    return [new TeardownError(`the node runs in network namespace ${recorded}, this is ${here}: run killall inside it (nsenter --net=...), `
      + `or, if that namespace is gone, remove ${agentPaths(ctx.agentDir).netnsFile}`)];
  }
  const errors: TeardownError[] = [];
  for (const step of steps) {
    try {
      await step.run(ctx);
    } catch (err) {
      errors.push(new TeardownError(`${step.what}: ${(err as Error).message.split('\n')[0]}`));
    }
  }
  return errors;
}

function reportAll(ctx: TeardownContext, verb: string, things: string[]): void {
  for (const t of things) ctx.report(`${verb} ${t}`);
}

async function stopK8tsProcess(ctx: TeardownContext): Promise<void> {
  const file = pidFileOf(ctx.dataDir);
  const pid = livePid(file);
  if (pid === undefined || pid === process.pid) return removePidFile(file);
  const role = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').find(a => a === 'server' || a === 'agent') ?? 'process';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (livePid(file) === pid && Date.now() < deadline) await sleep(100);
  if (livePid(file) === pid) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; livePid(file) === pid && i < 100; i++) await sleep(50);
  }
  if (livePid(file) === pid) throw new TeardownError(`k8ts ${role} (pid ${pid}) did not exit`);
  removePidFile(file);
  ctx.report(`stopped k8ts ${role} (pid ${pid})`);
}

async function stopContainerd(ctx: TeardownContext): Promise<void> {
  const pid = await stopOrphanContainerd(agentPaths(ctx.agentDir).containerd);
  if (pid) ctx.report(`stopped containerd (pid ${pid})`);
}

async function removeContainers(ctx: TeardownContext): Promise<void> {
  const r = await cleanupContainerd(containerdPaths(agentPaths(ctx.agentDir).containerd));
  reportAll(ctx, 'deleted container', r.deletedContainers);
  reportAll(ctx, 'killed process', r.killedPids.map(String));
  reportAll(ctx, 'unmounted', r.unmounted);
  reportAll(ctx, 'removed CNI result', r.removedCniResults);
}

/** containerd keeps pod netns mounts under its state dir; once unmounted, the files remain. */
async function removePodNetns(ctx: TeardownContext): Promise<void> {
  const dir = join(containerdPaths(agentPaths(ctx.agentDir).containerd).state, 'io.containerd.grpc.v1.cri', 'netns');
  if (!existsSync(dir)) return;
  reportAll(ctx, 'unmounted', unmountUnder(dir));
  for (const name of readdirSync(dir)) {
    rmSync(join(dir, name), { force: true });
    ctx.report(`removed pod network namespace ${name}`);
  }
}

async function deleteLink(name: string): Promise<boolean> {
  const exec = promisify(execFile);
  try {
    await exec('ip', ['link', 'show', 'dev', name]);
  } catch {
    return false;
  }
  await exec('ip', ['link', 'del', name]);
  return true;
}

async function deletePodRoutes(ctx: TeardownContext): Promise<void> {
  const routes = await listOwnRoutes();
  const failed = await runRouteCommands(routes.map(r => deleteCommand(r.dst)));
  routes.forEach((r, i) => {
    if (!failed.has(i)) ctx.report(`deleted route ${r.dst}`);
  });
  if (failed.size) throw new TeardownError([...failed.values()][0]);
}

async function removePodCgroups(ctx: TeardownContext): Promise<void> {
  let root = ctx.cgroupRoot;
  if (!root) {
    try {
      root = readFileSync(agentPaths(ctx.agentDir).cgroupRootFile, 'utf8').trim();
    } catch {
      return; // no agent ever ran with this data dir: the pods' cgroups, if any, are someone else's
    }
  }
  if (!root || root === '/') throw new TeardownError(`refusing to remove the cgroup root "${root}"`);
  if (!cgroupExists(root)) return;
  reportAll(ctx, 'removed cgroup', await removeCgroupTree(root));
}

async function releasePodIPs(ctx: TeardownContext): Promise<void> {
  const dir = join(agentPaths(ctx.agentDir).cniNetworks, CNI_NETWORK_NAME);
  if (!existsSync(dir)) return;
  rmSync(dir, { recursive: true, force: true });
  ctx.report(`removed pod IP allocations ${dir}`);
}
