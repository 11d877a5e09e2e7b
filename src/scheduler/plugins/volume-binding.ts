// VolumeBinding, after upstream's pkg/scheduler/framework/plugins/volumebinding: a pod's claims
// decide where it may run.
//   PreFilter: every claim must exist (and, for an ephemeral volume, belong to the pod); an unbound
//              claim of Immediate binding mode makes the pod wait for the PV controller.
//   Filter:    bound claims' PVs must admit the node (node affinity); each unbound
//              WaitForFirstConsumer claim needs a static PV that matches on that node, or a class
//              with a provisioner whose allowedTopologies admit the node.
//   Reserve:   the chosen static PVs are promised to their claims (no other pod may take them).
//   PreBind:   writes the decisions — a static PV gets its claimRef (the PV controller completes the
//              binding), a claim to provision gets `volume.kubernetes.io/selected-node` (its
//              provisioner creates the PV there) — and waits until every claim is bound, up to
//              upstream's bindTimeoutSeconds (600 s); a failure unreserves and the pod is retried.
import { volumeClaimName } from '../../api/pod-references.js';
import { claimClass } from '../../api/storage-class.js';
import {
  ANN_BIND_COMPLETED, ANN_SELECTED_NODE, findMatchingVolume, type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from '../../api/volume-binding.js';
import { volumeNodeAffinityMatches } from '../../api/volume-node-affinity.js';
import { SKIP, unresolvable, type CycleState, type Handle, type Plugin, type Status, type VolumeListers } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { errorMessage } from '../../util/error-message.js';

/** The class provisioner that means "static PVs only" (upstream's notSupportedProvisioner). */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
const REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

export interface VolumeBindingOptions {
  /** Upstream's bindTimeoutSeconds. */
  bindTimeoutMs?: number;
  /** How often PreBind re-reads the caches while it waits. */
  pollMs?: number;
}

/** One node's plan for the pod's unbound claims. */
interface NodePlan {
  node: { name: string; labels: Record<string, string> };
  static: { claim: PersistentVolumeClaim; pv: PersistentVolume }[];
  provision: PersistentVolumeClaim[];
}

interface StateData {
  bound: PersistentVolumeClaim[];
  delayed: PersistentVolumeClaim[];
  plans: Map<string, NodePlan>;
  /** The plan of the node the pod was reserved on. */
  reserved?: NodePlan;
}

const STATE = 'VolumeBinding';

const claimKey = (c: PersistentVolumeClaim) => `${c.metadata?.namespace}/${c.metadata?.name}`;

/** The claims of the pod's volumes, and whether each is an ephemeral volume's. */
function podClaims(pod: PodInfo['pod']): { name: string; ephemeral: boolean }[] {
  return (pod.spec?.volumes ?? []).flatMap(v => {
    const name = volumeClaimName(pod, v);
    return name ? [{ name, ephemeral: !!v.ephemeral }] : [];
  });
}

function bindingMode(claim: PersistentVolumeClaim, l: VolumeListers): 'Immediate' | 'WaitForFirstConsumer' {
  const name = claimClass(claim);
  // No class, or a class that does not exist (yet): upstream treats the claim as Immediate.
  return (name && l.storageClass(name)?.volumeBindingMode === 'WaitForFirstConsumer') ? 'WaitForFirstConsumer' : 'Immediate';
}

/** Whether a class's allowedTopologies admit the node (none: every node). */
function topologyAllows(sc: StorageClass, labels: Record<string, string>): boolean {
  const terms = sc.allowedTopologies;
  if (!terms?.length) return true;
  return terms.some(t => (t.matchLabelExpressions ?? []).every(e => e.values.includes(labels[e.key] ?? '\0')));
}

export function volumeBinding(h: Handle, o: VolumeBindingOptions = {}): Plugin {
  const l = h.volumes;
  const w = h.volumeWriter;
  /** PV name → the claim key it is promised to by a reserved, not yet bound pod. */
  const promised = new Map<string, string>();
  const timeoutMs = o.bindTimeoutMs ?? 600_000;
  const pollMs = o.pollMs ?? 100;

  function planFor(state: StateData, node: NodeInfo): { plan?: NodePlan; reasons: string[] } {
    const reasons = new Set<string>();
    const identity = { name: node.name, labels: node.labels };
    for (const c of state.bound) {
      const pv = l.volume(c.spec!.volumeName!);
      if (!pv) reasons.add(REASON_PV_NOT_EXIST);
      else if (!volumeNodeAffinityMatches(pv, identity)) reasons.add(REASON_NODE_CONFLICT);
    }
    const plan: NodePlan = { node: identity, static: [], provision: [] };
    const taken = new Set(promised.keys());
    for (const c of state.delayed) {
      const pv = findMatchingVolume(c, l.volumes().filter(v => !taken.has(v.metadata.name!)), { delayBinding: true, nodeFits: v => volumeNodeAffinityMatches(v, identity) });
      if (pv) {
        taken.add(pv.metadata!.name!);
        plan.static.push({ claim: c, pv });
        continue;
      }
      const sc = l.storageClass(claimClass(c));
      if (sc && sc.provisioner !== NO_PROVISIONER && topologyAllows(sc, node.labels)) plan.provision.push(c);
      else reasons.add(REASON_BIND_CONFLICT);
    }
    return reasons.size ? { reasons: [...reasons] } : { plan, reasons: [] };
  }

  /**
   * Whether every claim of the plan is bound now (the PV controller set volumeName and
   * bind-completed); throws when one can no longer become bound here, as upstream's checkBindings.
   */
  function allBound(plan: NodePlan): boolean {
    let done = true;
    for (const { claim, pv } of plan.static) {
      const cur = l.volume(pv.metadata!.name!);
      if (!cur) throw new Error(`pv "${pv.metadata!.name}" not found`);
      const ref = cur.spec?.claimRef;
      if (!ref || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) throw new Error(`pv "${pv.metadata!.name}" was bound to another claim`);
      if (!claimBound(claim, plan, false)) done = false;
    }
    for (const claim of plan.provision) if (!claimBound(claim, plan, true)) done = false;
    return done;
  }

  function claimBound(claim: PersistentVolumeClaim, plan: NodePlan, provisioned: boolean): boolean {
    const name = claim.metadata!.name!;
    const cur = l.claim(claim.metadata!.namespace!, name);
    if (!cur || cur.metadata?.uid !== claim.metadata?.uid) throw new Error(`persistentvolumeclaim "${name}" was deleted`);
    const volumeName = cur.spec?.volumeName;
    if (!volumeName) {
      // A provisioner that gives up on the node removes the annotation so another one is chosen.
      if (provisioned && cur.metadata?.annotations?.[ANN_SELECTED_NODE] === undefined) throw new Error(`selectedNode annotation reset for PVC "${name}"`);
      return false;
    }
    const pv = l.volume(volumeName);
    if (!pv) return false;
    if (!volumeNodeAffinityMatches(pv, plan.node)) throw new Error(`pv "${volumeName}" node affinity doesn't match node "${plan.node.name}"`);
    return cur.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined;
  }

  return {
    name: 'VolumeBinding',
    events: ['Node', 'PersistentVolume', 'PersistentVolumeClaim', 'StorageClass'],

    preFilter(s: CycleState, pod: PodInfo): Status | null {
      const claims = podClaims(pod.pod);
      if (!claims.length) return SKIP;
      const ns = pod.namespace;
      const data: StateData = { bound: [], delayed: [], plans: new Map() };
      let immediate = false;
      for (const { name, ephemeral } of claims) {
        const c = l.claim(ns, name);
        if (!c) return unresolvable(`persistentvolumeclaim "${name}" not found`);
        if (ephemeral && !c.metadata?.ownerReferences?.some(r => r.controller && r.uid === pod.pod.metadata.uid)) {
          return unresolvable(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.pod.metadata.name} (pod is not owner)`);
        }
        if (c.metadata?.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
        if (c.spec?.volumeName) data.bound.push(c);
        else if (bindingMode(c, l) === 'WaitForFirstConsumer') data.delayed.push(c);
        else immediate = true;
      }
      if (immediate) return unresolvable(REASON_UNBOUND_IMMEDIATE);
      s.write(STATE, data);
      return null;
    },

    filter(s: CycleState, _pod: PodInfo, node: NodeInfo): Status | null {
      const data = s.read<StateData>(STATE);
      if (!data) return null;
      const { plan, reasons } = planFor(data, node);
      if (!plan) return unresolvable(...reasons);
      data.plans.set(node.name, plan);
      return null;
    },

    reserve(s: CycleState, _pod: PodInfo, node: string): Status | null {
      const data = s.read<StateData>(STATE);
      const plan = data?.plans.get(node);
      if (!data || !plan) return null;
      for (const { claim, pv } of plan.static) {
        const holder = promised.get(pv.metadata!.name!);
        if (holder !== undefined && holder !== claimKey(claim)) return unresolvable(REASON_BIND_CONFLICT);
      }
      for (const { claim, pv } of plan.static) promised.set(pv.metadata!.name!, claimKey(claim));
      data.reserved = plan;
      return null;
    },

    unreserve(s: CycleState): void {
      const plan = s.read<StateData>(STATE)?.reserved;
      for (const { claim, pv } of plan?.static ?? []) if (promised.get(pv.metadata!.name!) === claimKey(claim)) promised.delete(pv.metadata!.name!);
    },

    async preBind(s: CycleState, _pod: PodInfo, node: string): Promise<Status | null> {
      const plan = s.read<StateData>(STATE)?.reserved;
      if (!plan || (!plan.static.length && !plan.provision.length)) return null;
      try {
        for (const { claim, pv } of plan.static) await w.bindVolume(pv, claim);
        for (const claim of plan.provision) await w.selectNode(claim, node);
        const deadline = Date.now() + timeoutMs;
        while (!allBound(plan)) {
          if (Date.now() >= deadline) throw new Error('binding volumes: context deadline exceeded');
          await new Promise(r => setTimeout(r, pollMs));
        }
      } catch (err) {
        return { code: 'Error', reasons: [errorMessage(err)] };
      } finally {
        for (const { pv } of plan.static) promised.delete(pv.metadata!.name!);
      }
      return null;
    },
  };
}
