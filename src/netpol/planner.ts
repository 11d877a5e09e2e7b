// Decides the filter rules and ipsets that enforce the NetworkPolicies for the pods of one node, as
// upstream defines them (networking.k8s.io/v1): a pod selected by a policy of a type (Ingress,
// Egress) is isolated in that direction and accepts only what the union of those policies' rules
// allows; every other pod is not policed. Pure: objects in, chains and set contents out.
//
// Layout (filter table; kube-router is the model):
//   FORWARD → KUBE-NWPLCY-FORWARD: established/related RETURN, clear our mark bits, EGRESS, INGRESS
//   INPUT   → KUBE-NWPLCY-INPUT:   the same for pods talking to this node, egress only
//   KUBE-NWPLCY-EGRESS/INGRESS: for each policy selecting local pods, jump to its chain when the
//     source (egress) / destination (ingress) is one of them; the policy chain marks what a rule
//     allows; finally DROP packets of isolated pods that no rule marked.
// Our chains only RETURN or DROP, so whatever else FORWARD holds (kube-proxy, CNI) still applies.
import { splitCidr } from '../api/cidr.js';
import { isIPv4 } from '../api/validation/names.js';
import { selectorMatches } from '../api/validation/selector.js';
import {
  EGRESS_ALLOWED_MARK, EGRESS_CHAIN, EGRESS_ISOLATED_SET, FORWARD_CHAIN, hashedName, INGRESS_ALLOWED_MARK, INGRESS_CHAIN,
  INGRESS_ISOLATED_SET, INPUT_CHAIN, MARK_MASK,
} from './names.js';
import type { NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort } from '../api/types/generated.js';
import type { NamespaceObject, NetworkPolicyObject, PodObject } from './types.js';

export type SetType = 'hash:ip' | 'hash:net';

export interface IpSetSpec {
  name: string;
  type: SetType;
  /** Addresses or CIDRs; a CIDR followed by " nomatch" is an exception inside a larger one. */
  entries: string[];
}

export interface PolicyPlan {
  /** Every chain we own, in declaration order, with its rules (the arguments after `-A CHAIN`). */
  chains: Map<string, string[]>;
  sets: IpSetSpec[];
  /** Parts of policies that could not be enforced (they then allow nothing), for the log. */
  problems: string[];
}

export interface PlanInput {
  nodeName: string;
  policies: NetworkPolicyObject[];
  pods: PodObject[];
  namespaces: NamespaceObject[];
}

type Direction = 'ingress' | 'egress';

interface LivePod {
  pod: PodObject;
  ip: string;
  namespace: string;
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

const DIRECTIONS = {
  ingress: { type: 'Ingress', chain: INGRESS_CHAIN, isolated: INGRESS_ISOLATED_SET, mark: INGRESS_ALLOWED_MARK, self: 'dst', peer: 'src', peers: 'from' },
  egress: { type: 'Egress', chain: EGRESS_CHAIN, isolated: EGRESS_ISOLATED_SET, mark: EGRESS_ALLOWED_MARK, self: 'src', peer: 'dst', peers: 'to' },
} as const;

const ESTABLISHED = '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN';
const CLEAR_MARKS = `-j MARK --set-xmark 0x0/${MARK_MASK}`;

export function planNetworkPolicies(input: PlanInput): PolicyPlan {
  const live = livePods(input.pods);
  const local = live.filter(p => p.pod.spec?.nodeName === input.nodeName);
  const nsLabels = new Map(input.namespaces.map(n => [n.metadata.name!, n.metadata.labels ?? {}]));
  const chains = new Map<string, string[]>([
    [FORWARD_CHAIN, [ESTABLISHED, CLEAR_MARKS, `-j ${EGRESS_CHAIN}`, `-j ${INGRESS_CHAIN}`]],
    [INPUT_CHAIN, [ESTABLISHED, CLEAR_MARKS, `-j ${EGRESS_CHAIN}`]],
    [EGRESS_CHAIN, []],
    [INGRESS_CHAIN, []],
  ]);
  const sets: IpSetSpec[] = [];
  const isolated = { ingress: new Set<string>(), egress: new Set<string>() };
  const problems: string[] = [];
  const sorted = [...input.policies].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  for (const policy of sorted) {
    try {
      const planned = planPolicy(policy, local, live, nsLabels);
      if (!planned) continue;
      for (const [name, rules] of planned.chains) chains.set(name, rules);
      for (const dir of ['egress', 'ingress'] as const) {
        chains.get(DIRECTIONS[dir].chain)!.push(...planned.dispatch[dir]);
        for (const ip of planned.isolated[dir]) isolated[dir].add(ip);
      }
      sets.push(...planned.sets);
      problems.push(...planned.problems);
    } catch (err) {
      problems.push(`${keyOf(policy)}: not enforced: ${(err as Error).message}`);
    }
  }
  for (const dir of ['egress', 'ingress'] as const) {
    const d = DIRECTIONS[dir];
    sets.push({ name: d.isolated, type: 'hash:ip', entries: [...isolated[dir]].sort() });
    chains.get(d.chain)!.push(`-m set --match-set ${d.isolated} ${d.self} -m mark ! --mark ${d.mark}/${d.mark} -m comment --comment "${dir} not allowed by any network policy" -j DROP`);
  }
  return { chains, sets: sets.sort((a, b) => a.name.localeCompare(b.name)), problems };
}

interface PlannedPolicy {
  chains: Map<string, string[]>;
  dispatch: Record<Direction, string[]>;
  isolated: Record<Direction, string[]>;
  sets: IpSetSpec[];
  problems: string[];
}

/** One policy's chains and sets, or nothing when it selects no pod of this node. */
function planPolicy(policy: NetworkPolicyObject, local: LivePod[], live: LivePod[], nsLabels: Map<string, Record<string, string>>): PlannedPolicy | undefined {
  const key = keyOf(policy);
  const namespace = policy.metadata.namespace!;
  const spec = policy.spec ?? { podSelector: {} };
  const targets = local.filter(p => p.namespace === namespace && selectorMatches(spec.podSelector ?? {}, p.pod.metadata.labels));
  if (!targets.length) return undefined;
  const out: PlannedPolicy = { chains: new Map(), dispatch: { ingress: [], egress: [] }, isolated: { ingress: [], egress: [] }, sets: [], problems: [] };
  const targetSet = hashedName(`${key}/targets`);
  out.sets.push({ name: targetSet, type: 'hash:ip', entries: targets.map(t => t.ip).sort() });
  const types = spec.policyTypes?.length ? spec.policyTypes : spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const dir of ['ingress', 'egress'] as const) {
    const d = DIRECTIONS[dir];
    if (!types.includes(d.type)) continue;
    const chain = hashedName(`${key}/${dir}`);
    out.dispatch[dir].push(`-m set --match-set ${targetSet} ${d.self} -m comment --comment "${key} ${dir}" -j ${chain}`);
    out.isolated[dir].push(...targets.map(t => t.ip));
    const rules: string[] = [];
    (spec[dir] ?? []).forEach((rule, i) => {
      const ctx: RuleContext = { key, namespace, dir, index: i, targets, live, nsLabels, out };
      const peers = peerMatches(ctx, (dir === 'ingress' ? (rule as NetworkPolicyIngressRule).from : (rule as NetworkPolicyEgressRule).to) ?? []);
      const ports = portMatches(ctx, rule.ports ?? []);
      for (const peer of peers) {
        for (const port of ports) rules.push(join(peer, port, `-m comment --comment "${key} ${dir} rule ${i}"`, `-j MARK --set-xmark ${d.mark}/${d.mark}`));
      }
    });
    out.chains.set(chain, rules);
  }
  return out;
}

type Peer = NetworkPolicyPeer;
type Port = NetworkPolicyPort;

interface RuleContext {
  key: string;
  namespace: string;
  dir: Direction;
  index: number;
  targets: LivePod[];
  live: LivePod[];
  nsLabels: Map<string, Record<string, string>>;
  out: PlannedPolicy;
}

/**
 * The peer half of a rule's matches: no peers means any; the pod and namespace selector peers share
 * one set of pod IPs; each ipBlock is a set of its own (a set holding two blocks could not tell one
 * block's exception from the other block's range).
 */
function peerMatches(ctx: RuleContext, peers: Peer[]): string[] {
  if (!peers.length) return [''];
  const flag = DIRECTIONS[ctx.dir].peer;
  const matches: string[] = [];
  const selectorPeers = peers.filter(p => !p.ipBlock);
  if (selectorPeers.length) {
    const ips = new Set<string>();
    for (const p of ctx.live) if (selectorPeers.some(peer => peerSelects(peer, p, ctx))) ips.add(p.ip);
    const name = hashedName(`${ctx.key}/${ctx.dir}/${ctx.index}/pods`);
    ctx.out.sets.push({ name, type: 'hash:ip', entries: [...ips].sort() });
    matches.push(`-m set --match-set ${name} ${flag}`);
  }
  peers.forEach((peer, j) => {
    if (!peer.ipBlock) return;
    const entries = ipBlockEntries(peer.ipBlock);
    if (typeof entries === 'string') {
      ctx.out.problems.push(`${ctx.key}: ${ctx.dir} rule ${ctx.index} peer ${j}: ${entries}; the peer matches nothing`);
      return;
    }
    if (!entries.length) return; // an IPv6 block: never an address of this IPv4 pod network
    const name = hashedName(`${ctx.key}/${ctx.dir}/${ctx.index}/block/${j}`);
    ctx.out.sets.push({ name, type: 'hash:net', entries });
    matches.push(`-m set --match-set ${name} ${flag}`);
  });
  return matches;
}

/** podSelector alone: the policy's namespace; namespaceSelector alone: all pods there; both: AND. */
function peerSelects(peer: Peer, p: LivePod, ctx: RuleContext): boolean {
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, ctx.nsLabels.get(p.namespace))) return false;
  } else if (p.namespace !== ctx.namespace) {
    return false;
  }
  return !peer.podSelector || selectorMatches(peer.podSelector, p.pod.metadata.labels);
}

/** hash:net entries for an ipBlock, [] for IPv6, or why it cannot be enforced. */
export function ipBlockEntries(block: { cidr: string; except?: string[] }): string[] | string {
  const cidr = splitCidr(block.cidr ?? '');
  if (!cidr) return `invalid cidr "${block.cidr}"`;
  if (cidr.family === 6) return [];
  // hash:net holds prefixes 1-32: the whole address space is its two halves.
  const entries = cidr.prefix === 0 ? ['0.0.0.0/1', '128.0.0.0/1'] : [`${cidr.ip}/${cidr.prefix}`];
  for (const text of block.except ?? []) {
    const except = splitCidr(text);
    if (!except || except.family !== 4) return `invalid except "${text}"`;
    entries.push(`${except.ip}/${except.prefix} nomatch`);
  }
  return entries;
}

/**
 * The port half of a rule's matches: no ports means any. A named port is resolved on the pod the
 * traffic goes to (a target for ingress, any pod for egress); each number it resolves to gets a set
 * of the destination pods that give it that number.
 */
function portMatches(ctx: RuleContext, ports: Port[]): string[] {
  if (!ports.length) return [''];
  const matches: string[] = [];
  ports.forEach((port, k) => {
    const where = `${ctx.key}: ${ctx.dir} rule ${ctx.index} port ${k}`;
    const protocol = port.protocol ?? 'TCP';
    if (!PROTOCOLS.has(protocol)) {
      ctx.out.problems.push(`${where}: unsupported protocol "${protocol}"; the port matches nothing`);
      return;
    }
    const p = protocol.toLowerCase();
    if (port.port === undefined || port.port === null) {
      matches.push(`-p ${p}`);
    } else if (typeof port.port === 'number') {
      const end = port.endPort ?? port.port;
      if (!validPort(port.port) || !validPort(end) || end < port.port) {
        ctx.out.problems.push(`${where}: invalid port range ${port.port}-${end}; the port matches nothing`);
        return;
      }
      matches.push(`-p ${p} -m ${p} --dport ${end === port.port ? port.port : `${port.port}:${end}`}`);
    } else {
      const candidates = ctx.dir === 'ingress' ? ctx.targets : ctx.live;
      const byNumber = new Map<number, string[]>();
      for (const c of candidates) {
        const n = namedPort(c.pod, port.port, protocol);
        if (validPort(n)) byNumber.set(n, [...(byNumber.get(n) ?? []), c.ip]);
      }
      for (const [n, ips] of [...byNumber].sort((a, b) => a[0] - b[0])) {
        const name = hashedName(`${ctx.key}/${ctx.dir}/${ctx.index}/port/${k}/${n}`);
        ctx.out.sets.push({ name, type: 'hash:ip', entries: ips.sort() });
        matches.push(`-p ${p} -m ${p} --dport ${n} -m set --match-set ${name} dst`);
      }
    }
  });
  return matches;
}

function namedPort(pod: PodObject, name: string, protocol: string): number | undefined {
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

const validPort = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;

/** Pods that hold their pod IP: not on the host's network, not finished (their IP may be reused). */
function livePods(pods: PodObject[]): LivePod[] {
  const out: LivePod[] = [];
  for (const pod of pods) {
    if (pod.spec?.hostNetwork || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const ips = [...(pod.status?.podIPs ?? []).map(p => p.ip), pod.status?.podIP];
    const ip = ips.find((a): a is string => !!a && isIPv4(a));
    if (ip) out.push({ pod, ip, namespace: pod.metadata.namespace ?? 'default' });
  }
  return out;
}

const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

const join = (...parts: string[]) => parts.filter(Boolean).join(' ');
