// The DaemonSet controller: one pod per eligible node. Pods are created with a required node
// affinity on the node's name (matchFields metadata.name) and bound by the scheduler, as upstream
// does since 1.12; revisions are ControllerRevisions; updates roll node by node (or OnDelete).
import { isConflict, isNotFound } from '../../api/errors.js';
import type { OwnerReference } from '../../api/object.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ownerKey } from '../types.js';
import {
  CONTROLLER_REVISION_HASH_LABEL, deleteRevision, newRevision, sameData, setRevisionNumber, sortRevisions, templatePatch,
} from './controller-history.js';
import { claim, controllerRefTo, ownerIsCurrent } from './controller-ref.js';
import { nodeShouldRunDaemonPod, withDaemonTolerations, type NodeVerdict } from './daemonset-eligibility.js';
import { daemonSetStatus, podsForNode, rollingLimits, rollingUpdatePlan } from './daemonset-plan.js';
import { Expectations, expectationsFor } from '../expectations.js';
import { candidatesFor } from '../owner-index.js';
import { podFromTemplate } from './pod-from-template.js';
import { msUntilAvailable } from '../../api/pod-state.js';
import { slowStartBatch } from './slow-start.js';
import { ownedObjectsWatch, selectorOf, type OwnerKind } from './selecting-owners.js';
import { writeStatus } from './status-writer.js';
import { canonicalJson, computeHash } from './template-hash.js';
import type { Affinity, ControllerRevision, DaemonSet, Node, Pod } from './types.js';
import { errorMessage } from '../../util/error-message.js';

/** Upstream's burstReplicas for DaemonSets. */
const BURST_REPLICAS = 250;

const expectations = new WeakMap<Informer, Expectations>();
/** Per node informer: the last seen scheduling-relevant shape of each node. */
const nodeShapes = new WeakMap<Informer, Map<string, string>>();

export const daemonSetController: Controller = {
  name: 'daemonset',
  workers: 2,
  watches: [
    { resource: R.daemonsets },
    ownedObjectsWatch(R.pods, daemonSets),
    { resource: R.controllerrevisions, mapTo: ownerKey('DaemonSet') },
    { resource: R.nodes, mapTo: (node, ctx) => daemonSetsForNode(node.metadata.name!, ctx) },
  ],
  async reconcile(key, ctx) {
    const exp = expectationsFor(expectations, ctx.informer(R.pods));
    const ds = ctx.informer<DaemonSet>(R.daemonsets).get(key);
    if (!ds) { exp.forget(key); return; }
    const selector = selectorOf(ds.spec.selector);
    if (selector && !selector.empty) await new DaemonSetSync(structuredClone(ds), selector, key, exp, ctx).run();
  },
};

function daemonSets(ctx: ControllerContext): OwnerKind<DaemonSet> {
  return { kind: 'DaemonSet', owners: ctx.informer<DaemonSet>(R.daemonsets), selector: ds => selectorOf(ds.spec.selector) };
}

/**
 * A node changed. Heartbeats and status updates do not matter to DaemonSets; only a node's
 * appearance, disappearance, labels, taints and unschedulable flag do, so only those wake them all.
 * The node is read from the cache, so the old and new objects of one update count once.
 */
function daemonSetsForNode(name: string, ctx: ControllerContext): string[] {
  const nodes = ctx.informer<Node>(R.nodes);
  let shapes = nodeShapes.get(nodes as unknown as Informer);
  if (!shapes) nodeShapes.set(nodes as unknown as Informer, (shapes = new Map()));
  const node = nodes.get(name);
  const shape = node ? canonicalJson({ l: node.metadata.labels, t: node.spec?.taints, u: node.spec?.unschedulable }) : undefined;
  if (shapes.get(name) === shape) return [];
  if (shape === undefined) shapes.delete(name); else shapes.set(name, shape);
  return ctx.informer<DaemonSet>(R.daemonsets).list().map(objectKey);
}

/** The node a daemon pod is for: its binding, or the node-name affinity it was created with. */
function targetNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** The template's affinity with its required node terms replaced by "this node, by name". */
export function nodeNameAffinity(affinity: Affinity | undefined, node: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: [node] }] }] };
  const copy = structuredClone(affinity ?? {});
  copy.nodeAffinity = { ...copy.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required };
  return copy;
}

class DaemonSetSync {
  private readonly ns: string;
  private readonly ref: OwnerReference;

  constructor(private ds: DaemonSet, private readonly selector: LabelSelector, private readonly key: string, private readonly exp: Expectations, private readonly ctx: ControllerContext) {
    this.ns = ds.metadata.namespace!;
    this.ref = controllerRefTo(ds, 'apps/v1', 'DaemonSet');
  }

  async run(): Promise<void> {
    const ds = this.ds;
    const ownerStillValid = () => ownerIsCurrent(this.ctx.client, objectPath(R.daemonsets, this.ns, ds.metadata.name!), ds.metadata.uid!);
    const histories = await claim({
      client: this.ctx.client, owner: ds, ownerRef: this.ref, selector: this.selector, ownerStillValid,
      candidates: candidatesFor(this.ctx.informer<ControllerRevision>(R.controllerrevisions), ds),
      pathOf: r => objectPath(R.controllerrevisions, this.ns, r.metadata.name!),
    });
    const pods = await claim({
      client: this.ctx.client, owner: ds, ownerRef: this.ref, selector: this.selector, ownerStillValid,
      candidates: candidatesFor(this.ctx.informer<Pod>(R.pods), ds),
      pathOf: p => objectPath(R.pods, this.ns, p.metadata.name!),
    });
    const { current, old } = await this.constructHistory(histories);
    const hash = current.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
    const nodes = this.ctx.informer<Node>(R.nodes).list().map(n => ({ name: n.metadata.name!, node: n, verdict: nodeShouldRunDaemonPod(ds.spec.template.spec, n) }));

    if (!this.exp.satisfied(this.key) || ds.metadata.deletionTimestamp) {
      return this.writeStatus(nodes, this.podsByNode(pods), hash, false);
    }
    await this.manage(nodes, this.podsByNode(pods), hash);
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && this.exp.satisfied(this.key)) {
      await this.rollingUpdate(nodes, this.podsByNode(pods), hash);
    }
    await this.cleanupHistory(old, pods);
    await this.writeStatus(nodes, this.podsByNode(pods), hash, true);
  }

  /**
   * Pods by target node. Terminating pods count (a node gets no new pod until its old one is gone)
   * unless they have also finished.
   */
  private podsByNode(pods: Pod[]): Map<string, Pod[]> {
    const byNode = new Map<string, Pod[]>();
    for (const pod of pods) {
      const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      if (finished && pod.metadata.deletionTimestamp) continue;
      const node = targetNode(pod);
      if (node === undefined) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    return byNode;
  }

  /** Creates the missing daemon pods and deletes the surplus ones (upstream manage). */
  private async manage(nodes: { name: string; verdict: NodeVerdict }[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const createOn: string[] = [];
    const remove: Pod[] = [];
    const known = new Set(nodes.map(n => n.name));
    for (const { name, verdict } of nodes) {
      const d = podsForNode(verdict, byNode.get(name), hash, this.ds);
      if (d.create) createOn.push(name);
      remove.push(...d.remove);
      for (const pod of d.failed) this.ctx.recorder.event(this.ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${this.ns}/${pod.metadata.name} on node ${name}, will try to kill it`);
    }
    // Unbound pods aimed at nodes that no longer exist can never run.
    for (const [node, pods] of byNode) if (!known.has(node)) remove.push(...pods.filter(p => !p.spec?.nodeName && !p.metadata.deletionTimestamp));
    await this.syncNodes(remove, createOn, hash);
  }

  private async rollingUpdate(nodes: { name: string; verdict: NodeVerdict }[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const wanted = nodes.filter(n => n.verdict.shouldRun);
    for (const n of wanted) if (!byNode.has(n.name)) byNode.set(n.name, []);
    const limits = rollingLimits(this.ds, wanted.length);
    const shouldRun = new Set(wanted.map(n => n.name));
    const plan = rollingUpdatePlan(byNode, hash, limits, this.ds.spec.minReadySeconds ?? 0, node => shouldRun.has(node));
    await this.syncNodes(plan.remove, plan.createOn, hash);
  }

  private async syncNodes(remove: Pod[], createOn: string[], hash: string): Promise<void> {
    const ds = this.ds;
    const created: string[] = [];
    const targets = createOn.slice(0, BURST_REPLICAS);
    let next = 0;
    const result = await slowStartBatch(targets.length, 1, async () => {
      const node = targets[next++];
      const template = structuredClone(ds.spec.template);
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash } };
      // A template without spec (validation forbids it) makes a pod the server refuses for having no containers.
      template.spec = { containers: [], ...template.spec, tolerations: withDaemonTolerations(template.spec ?? {}), affinity: nodeNameAffinity(template.spec?.affinity, node) };
      try {
        const pod = await this.ctx.client.create<Pod>(collectionPath(R.pods, this.ns), podFromTemplate(template, this.ns, this.ref, ds.metadata.name!));
        created.push(`${this.ns}/${pod.metadata.name}`);
        this.ctx.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      } catch (err) {
        this.ctx.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
        throw err;
      }
    });
    this.exp.expectCreations(this.key, created);

    const deleted: string[] = [];
    const results = await Promise.allSettled(remove.slice(0, BURST_REPLICAS).map(async pod => {
      try {
        await this.ctx.client.delete(objectPath(R.pods, this.ns, pod.metadata.name!), { preconditions: { uid: pod.metadata.uid } });
        deleted.push(`${this.ns}/${pod.metadata.name}`);
        this.ctx.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (err) {
        if (isNotFound(err)) return;
        this.ctx.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
        throw err;
      }
    }));
    this.exp.expectDeletions(this.key, deleted);
    if (result.error) throw result.error;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * The revision of the current template (created if new, renumbered to be the newest if it is an
   * older one come back) and the others (upstream constructHistory).
   */
  private async constructHistory(histories: ControllerRevision[]): Promise<{ current: ControllerRevision; old: ControllerRevision[] }> {
    const ds = this.ds;
    const data = templatePatch(ds.spec.template);
    const matching = sortRevisions(histories.filter(h => canonicalJson(h.data) === canonicalJson(data)));
    const old = histories.filter(h => !matching.includes(h));
    const nextRevision = old.reduce((m, h) => Math.max(m, h.revision), 0) + 1;
    let current = matching[matching.length - 1];
    if (!current) return { current: await this.snapshot(nextRevision), old };
    // Duplicates of the current revision are redundant.
    for (const dup of matching.slice(0, -1)) await deleteRevision(this.ctx.client, dup);
    if (current.revision < nextRevision) current = await setRevisionNumber(this.ctx.client, current, nextRevision);
    return { current, old };
  }

  private async snapshot(revision: number): Promise<ControllerRevision> {
    const ds = this.ds;
    const hash = computeHash(ds.spec.template, ds.status?.collisionCount);
    const rev = newRevision(ds, this.ref, ds.spec.template, revision, 0);
    rev.metadata.name = `${ds.metadata.name}-${hash}`;
    rev.metadata.labels = { ...rev.metadata.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash };
    try {
      return await this.ctx.client.create<ControllerRevision>(collectionPath(R.controllerrevisions, this.ns), rev);
    } catch (err) {
      if (!isConflict(err)) throw err;
      const existing = await this.ctx.client.get<ControllerRevision>(objectPath(R.controllerrevisions, this.ns, rev.metadata.name!));
      if (sameData(existing, rev)) return existing;
      // Someone else's revision holds the name: hash again with a higher collision count.
      await writeStatus(this.ctx.client, R.daemonsets, ds, { ...ds.status, collisionCount: (ds.status?.collisionCount ?? 0) + 1 });
      throw err;
    }
  }

  /** Keeps revisionHistoryLimit old revisions that no live pod runs. */
  private async cleanupHistory(old: ControllerRevision[], pods: Pod[]): Promise<void> {
    const liveHashes = new Set(pods.map(p => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]));
    const deletable = sortRevisions(old.filter(h => !liveHashes.has(h.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL])));
    const excess = deletable.length - (this.ds.spec.revisionHistoryLimit ?? 10);
    for (const h of deletable.slice(0, Math.max(0, excess))) await deleteRevision(this.ctx.client, h);
  }

  private async writeStatus(nodes: { name: string; verdict: NodeVerdict }[], byNode: Map<string, Pod[]>, hash: string, observe: boolean): Promise<void> {
    const status = daemonSetStatus(this.ds, nodes, byNode, hash, observe);
    if (canonicalJson(status) !== canonicalJson(this.ds.status)) await writeStatus(this.ctx.client, R.daemonsets, this.ds, status);
    const minReady = this.ds.spec.minReadySeconds ?? 0;
    const waits = [...byNode.values()].flat().map(p => msUntilAvailable(p, minReady)).filter((ms): ms is number => ms !== undefined);
    if (waits.length) this.ctx.requeueAfter(this.key, Math.min(...waits));
  }
}
