// The VXLAN pod network's executor: owns this node's VTEP device and keeps its routes, neighbour
// (ARP) and FDB entries equal to the plan (vxlan-plan.ts). Everything on the device is ours, so each
// change lists what the kernel holds and applies only the difference; a restarted agent therefore
// takes over (and cleans up after) whatever an earlier run left, with `replace` commands throughout.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { NodeObject } from '../api/node-object.js';
import type { Logger } from '../util/log.js';
import { deleteCommand, K8TS_ROUTE_PROTOCOL, listOwnRoutes, runRouteCommands } from './ip-route.js';
import type { PodNetworkBackend } from './pod-routes.js';
import { planVxlan, VXLAN_DEVICE, VXLAN_OVERHEAD, VXLAN_PORT, VXLAN_VNI, type VxlanPlan } from './vxlan-plan.js';

const exec = promisify(execFile);

export class VxlanError extends Error {}

interface LinkJson {
  ifname: string;
  mtu: number;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number; local?: string; learning?: boolean; link?: string } };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

async function ipJson<T>(tool: 'ip' | 'bridge', args: string[]): Promise<T> {
  const { stdout } = await exec(tool, ['-j', ...args]);
  return JSON.parse(stdout.trim() || '[]') as T;
}

async function link(name: string): Promise<LinkJson | undefined> {
  try {
    return (await ipJson<LinkJson[]>('ip', ['-d', 'link', 'show', 'dev', name]))[0];
  } catch {
    return undefined; // no such device
  }
}

/** The interface that holds `ip` in this network namespace: the VTEP's underlay. */
async function underlayOf(ip: string): Promise<LinkJson> {
  const links = await ipJson<LinkJson[]>('ip', ['-4', 'addr', 'show']);
  const found = links.find(l => l.addr_info?.some(a => a.family === 'inet' && a.local === ip));
  if (!found) throw new VxlanError(`the node IP ${ip} is on no interface of this network namespace; VXLAN needs it as the tunnel's local address`);
  return found;
}

export interface Vtep {
  mac: string;
  mtu: number;
}

/**
 * Creates this node's VTEP (`k8ts.vxlan`, VNI 1, UDP 8472, local = node IP, no learning: the agent
 * writes every FDB entry) or keeps the one an earlier run made, so its MAC — already published on
 * the Node — stays valid. One with other parameters (the node IP changed) is made again.
 */
export async function ensureVtep(nodeIP: string): Promise<Vtep> {
  const underlay = await underlayOf(nodeIP);
  const current = await link(VXLAN_DEVICE);
  const d = current?.linkinfo?.info_data;
  const fits = current?.linkinfo?.info_kind === 'vxlan' && d?.id === VXLAN_VNI && d.port === VXLAN_PORT && d.local === nodeIP
    && d.learning === false && d.link === underlay.ifname;
  try {
    if (current && !fits) await exec('ip', ['link', 'del', VXLAN_DEVICE]);
    if (!fits) {
      await exec('ip', ['link', 'add', VXLAN_DEVICE, 'type', 'vxlan', 'id', String(VXLAN_VNI), 'dstport', String(VXLAN_PORT),
        'local', nodeIP, 'dev', underlay.ifname, 'nolearning']);
    }
    const mtu = underlay.mtu - VXLAN_OVERHEAD;
    await exec('ip', ['link', 'set', 'dev', VXLAN_DEVICE, 'mtu', String(mtu), 'up']);
    const mac = (await link(VXLAN_DEVICE))?.address;
    if (!mac) throw new VxlanError(`${VXLAN_DEVICE} has no MAC address`);
    return { mac, mtu };
  } catch (err) {
    if (err instanceof VxlanError) throw err;
    throw new VxlanError(`cannot set up ${VXLAN_DEVICE}: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
}

/** Deletes the VTEP (and with it every route, neighbour and FDB entry on it); whether it existed. */
export async function removeVtep(): Promise<boolean> {
  if (!(await link(VXLAN_DEVICE))) return false;
  await exec('ip', ['link', 'del', VXLAN_DEVICE]);
  return true;
}

interface Observed {
  addresses: string[];
  routes: { dst: string; via: string }[];
  neighbours: { ip: string; mac: string }[];
  fdb: { mac: string; dst: string }[];
}

async function observe(): Promise<Observed> {
  const [dev, routes, neigh, fdb] = await Promise.all([
    ipJson<LinkJson[]>('ip', ['-4', 'addr', 'show', 'dev', VXLAN_DEVICE]),
    listOwnRoutes(),
    ipJson<{ dst: string; lladdr?: string; state?: string[] }[]>('ip', ['neigh', 'show', 'dev', VXLAN_DEVICE]),
    ipJson<{ mac: string; dst?: string }[]>('bridge', ['fdb', 'show', 'dev', VXLAN_DEVICE]),
  ]);
  return {
    addresses: (dev[0]?.addr_info ?? []).filter(a => a.family === 'inet').map(a => `${a.local}/${a.prefixlen}`),
    routes,
    neighbours: neigh.filter(n => n.lladdr && n.state?.includes('PERMANENT')).map(n => ({ ip: n.dst, mac: n.lladdr! })),
    fdb: fdb.filter(f => f.dst).map(f => ({ mac: f.mac, dst: f.dst! })),
  };
}

/** The ip and bridge commands that turn `have` into `want`: additions before removals of the same kind. */
export function vxlanCommands(want: VxlanPlan, have: Observed): { ip: string[]; bridge: string[] } {
  const dev = VXLAN_DEVICE;
  const ip: string[] = [];
  const bridge: string[] = [];
  const wantAddress = want.address ? `${want.address}/32` : undefined;
  if (wantAddress && !have.addresses.includes(wantAddress)) ip.push(`addr replace ${wantAddress} dev ${dev}`);
  for (const a of have.addresses) if (a !== wantAddress) ip.push(`addr del ${a} dev ${dev}`);

  const fdbKey = (f: { mac: string; dst: string }) => `${f.mac} ${f.dst}`;
  const haveFdb = new Set(have.fdb.map(fdbKey));
  const wantFdb = new Set(want.fdb.map(fdbKey));
  for (const f of want.fdb) if (!haveFdb.has(fdbKey(f))) bridge.push(`fdb replace ${f.mac} dev ${dev} dst ${f.dst} self permanent`);
  for (const f of have.fdb) if (!wantFdb.has(fdbKey(f))) bridge.push(`fdb del ${f.mac} dev ${dev} dst ${f.dst} self`);

  const haveNeigh = new Map(have.neighbours.map(n => [n.ip, n.mac]));
  const wantNeigh = new Set(want.neighbours.map(n => n.ip));
  for (const n of want.neighbours) if (haveNeigh.get(n.ip) !== n.mac) ip.push(`neigh replace ${n.ip} lladdr ${n.mac} dev ${dev} nud permanent`);
  for (const n of have.neighbours) if (!wantNeigh.has(n.ip)) ip.push(`neigh del ${n.ip} dev ${dev}`);

  const haveRoute = new Map(have.routes.map(r => [r.dst, r.via]));
  const wantRoute = new Set(want.routes.map(r => r.dst));
  for (const r of want.routes) {
    if (haveRoute.get(r.dst) !== r.via) ip.push(`route replace ${r.dst} via ${r.via} dev ${dev} onlink proto ${K8TS_ROUTE_PROTOCOL}`);
  }
  for (const r of have.routes) if (!wantRoute.has(r.dst)) ip.push(deleteCommand(r.dst));
  return { ip, bridge };
}

export class VxlanBackend implements PodNetworkBackend {
  /** The plan last applied without errors; an equal plan (a heartbeat) needs no look at the kernel. */
  private applied?: string;

  constructor(private readonly self: string, private readonly log: Logger) {}

  async apply(nodes: NodeObject[]): Promise<void> {
    const plan = planVxlan(nodes, this.self);
    const key = JSON.stringify(plan);
    if (key === this.applied) return;
    const { ip, bridge } = vxlanCommands(plan, await observe());
    // FDB first: a route is only useful once the tunnel knows where its MAC lives.
    const failed = [
      ...[...(await runRouteCommands(bridge, 'bridge'))].map(([i, e]) => `${bridge[i]}: ${e}`),
      ...[...(await runRouteCommands(ip))].map(([i, e]) => `${ip[i]}: ${e}`),
    ];
    if (ip.length || bridge.length) {
      this.log('VXLAN peers updated', { peers: plan.fdb.length, address: plan.address, changes: [...bridge, ...ip].length, failed: failed.length });
    }
    if (failed.length) {
      this.log('VXLAN entries refused', { count: failed.length, first: failed.slice(0, 3) });
      return;
    }
    this.applied = key;
  }
}
