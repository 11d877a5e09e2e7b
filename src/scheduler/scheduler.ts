// The scheduler: informers feed the queue (pending pods of our profiles) and the cache (nodes and
// bound pods); one loop pops pods in priority order and runs the scheduling cycle synchronously;
// binding runs concurrently behind it on pods already assumed in the cache.
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { isNotFound } from '../api/errors.js';
import { changedCondition } from '../api/conditions.js';
import { isPodTerminal } from '../api/pod-state.js';
import type { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { objectPath, R } from '../client/resources.js';
import { HandlerRegistrations, SharedInformers } from '../client/shared-informers.js';
import { Limiter } from '../util/limiter.js';
import { logger, type Logger } from '../util/log.js';
import { Algorithm, unschedulableMessage } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { ClusterView } from './cluster-view.js';
import { ApiVolumeWriter } from './volume-writer.js';
import { ApiEventRecorder } from '../client/event-recorder.js';
import { encodeFilterVerdicts, FILTER_VERDICTS_ANNOTATION } from '../api/scheduling-verdicts.js';
import { CycleState, type Handle } from './framework.js';
import { Nominator } from './nominator.js';
import type { PodInfo } from './pod-info.js';
import type { ScoringStrategy } from './plugins/node-resources-fit.js';
import { Profile } from './profile.js';
import { unschedulableStatusPatch } from './pod-scheduled-condition.js';
import { defaultProfile } from './profiles.js';
import { SchedulingQueue, type ClusterEvent, type QueuedPodInfo } from './queue.js';
import { DEFAULT_SCHEDULER_NAME, podKeyOf, type Node, type Pod } from './types.js';
import type { SchedulerMetrics } from './scheduler-metrics.js';
import { errorMessage } from '../util/error-message.js';

export interface SchedulerOptions {
  /** One profile per name (spec.schedulerName); default ["default-scheduler"]. */
  schedulerNames?: string[];
  scoringStrategy?: ScoringStrategy;
  /** 0 = upstream's adaptive percentage. */
  percentageOfNodesToScore?: number;
  /** Binding requests in flight. */
  bindConcurrency?: number;
  log?: Logger;
  /**
   * Informers owned by the caller (`k8ts server` shares its controllers'); without them the
   * scheduler starts its own and stops them in stop().
   */
  informers?: SharedInformers;
  /** Where the scheduler_* series are recorded; none without. */
  metrics?: SchedulerMetrics;
}

/** A PreBind plugin failed; the pod is unreserved and retried after backoff. */
class PreBindError extends Error {}

const ev = (resource: ClusterEvent['resource'], action: ClusterEvent['action']): ClusterEvent => ({ resource, action, label: `${resource}${action}` });

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  private readonly view: ClusterView;
  private readonly informers: SharedInformers;
  private readonly ownsInformers: boolean;
  private readonly registrations = new HandlerRegistrations();
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly profiles = new Map<string, Profile>();
  private readonly nominator = new Nominator();
  private readonly algorithm: Algorithm;
  private readonly events: ApiEventRecorder;
  private readonly binds: Limiter;
  private readonly log: Logger;
  private readonly metrics?: SchedulerMetrics;
  private running = false;
  private loopDone?: Promise<void>;
  /** Pods scheduled (bound) since start, for benchmarks and logs. */
  scheduled = 0;

  constructor(private readonly client: RestClient, opts: SchedulerOptions = {}) {
    this.log = opts.log ?? logger('scheduler');
    this.metrics = opts.metrics;
    this.ownsInformers = !opts.informers;
    this.informers = opts.informers ?? new SharedInformers(client);
    this.view = new ClusterView(this.informers);
    this.pods = this.informers.get<Pod>(R.pods);
    this.nodes = this.informers.get<Node>(R.nodes);
    this.events = new ApiEventRecorder(client, 'default-scheduler');
    this.binds = new Limiter(opts.bindConcurrency ?? 64);
    const handle: Handle = {
      cache: this.cache,
      namespaceLabels: this.view.namespaceLabels,
      defaultSelector: pod => this.view.defaultSelector(pod),
      filter: (s, pod, node) => this.profileFor(pod.pod).runFilter(s, pod, node),
      nominatedPods: node => this.nominator.podsOn(node),
      volumes: this.view,
      volumeWriter: new ApiVolumeWriter(client),
    };
    for (const name of opts.schedulerNames ?? [DEFAULT_SCHEDULER_NAME]) {
      this.profiles.set(name, new Profile(defaultProfile(handle, () => this.view.disruptionBudgets(), { schedulerName: name, scoringStrategy: opts.scoringStrategy })));
    }
    const first = [...this.profiles.values()][0];
    this.algorithm = new Algorithm(handle, opts.percentageOfNodesToScore ?? 0);
    this.queue = new SchedulingQueue({
      less: (a, b) => first.less(a, b),
      preEnqueue: pod => this.preEnqueue(pod),
      interested: (plugin, event) => first.interested(plugin, event),
    });
    this.metrics?.watchQueue(() => this.queue.lengths);
  }

  /** Starts informers and the scheduling loop; resolves once caches are synced. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.view.waitForSync();
    // Nodes first: bound pods then find their nodes in the cache.
    await this.nodes.waitForSync();
    // A stop() during a wait (leadership lost while starting) has removed the handlers already;
    // the informers are shared and outlive this scheduler, so none may be added after it.
    if (!this.running) return;
    this.registrations.add(this.nodes, {
      add: n => this.nodeChanged(undefined, n),
      update: (o, n) => this.nodeChanged(o, n),
      delete: n => this.cache.removeNode(n.metadata.name!),
    });
    await this.pods.waitForSync();
    if (!this.running) return;
    // Claims, PVs and classes can make a pod VolumeBinding rejected schedulable.
    for (const [inf, resource] of [[this.view.claims, 'PersistentVolumeClaim'], [this.view.pvs, 'PersistentVolume'], [this.view.storageClasses, 'StorageClass']] as const) {
      this.registrations.add(inf as Informer, {
        add: () => this.queue.moveOnEvent(ev(resource, 'Add')),
        update: () => this.queue.moveOnEvent(ev(resource, 'Update')),
        delete: () => this.queue.moveOnEvent(ev(resource, 'Delete')),
      });
    }
    this.registrations.add(this.pods, { add: p => this.podAdded(p), update: (o, p) => this.podUpdated(o, p), delete: p => this.podDeleted(p) });
    this.queue.run();
    this.loopDone = this.loop();
    this.log('scheduler started', { nodes: this.cache.nodeCount, profiles: [...this.profiles.keys()] });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.queue.close();
    this.registrations.removeAll();
    if (this.ownsInformers) this.informers.stop();
    await this.loopDone;
  }

  // --- informer events -------------------------------------------------------------------------

  private responsible(pod: Pod): boolean {
    return this.profiles.has(pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) && !pod.metadata.deletionTimestamp && !isPodTerminal(pod);
  }

  /** Fills in spec.priority from the PriorityClass when admission did not. */
  private withPriority(pod: Pod): Pod {
    const spec = pod.spec;
    return !spec || spec.priority !== undefined ? pod : { ...pod, spec: { ...spec, priority: this.view.priorityOf(pod) } };
  }

  private podAdded(pod: Pod): void {
    if (pod.spec?.nodeName) {
      if (isPodTerminal(pod)) return;
      this.cache.setPod(this.withPriority(pod));
      this.queue.moveOnEvent(ev('AssignedPod', 'Add'));
    } else if (this.responsible(pod)) {
      this.queue.add(this.withPriority(pod));
    }
  }

  private podUpdated(old: Pod, pod: Pod): void {
    const key = podKeyOf(pod);
    if (pod.spec?.nodeName) {
      if (isPodTerminal(pod)) return this.podDeleted(pod);
      this.queue.delete(key);
      this.nominator.remove(key);
      this.cache.setPod(this.withPriority(pod));
      if (!old.spec?.nodeName || JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels)) {
        this.queue.moveOnEvent(ev('AssignedPod', old.spec?.nodeName ? 'Update' : 'Add'));
      }
    } else if (this.responsible(pod)) {
      if (!this.cache.isAssumed(key)) this.queue.add(this.withPriority(pod));
    } else {
      this.queue.delete(key);
    }
  }

  private podDeleted(pod: Pod): void {
    const key = podKeyOf(pod);
    this.nominator.remove(key);
    if (this.cache.nodeOf(key) !== undefined) {
      this.cache.removePod(key);
      this.queue.moveOnEvent(ev('AssignedPod', 'Delete'));
    }
    this.queue.delete(key);
  }

  private nodeChanged(old: Node | undefined, node: Node): void {
    this.cache.setNode(node);
    const relevant = !old || JSON.stringify([old.metadata.labels, old.spec, old.status?.allocatable]) !== JSON.stringify([node.metadata.labels, node.spec, node.status?.allocatable]);
    if (relevant) this.queue.moveOnEvent(ev('Node', old ? 'Update' : 'Add'));
  }

  private preEnqueue(pod: Pod): boolean {
    const st = this.profileFor(pod).preEnqueue(pod);
    if (!st) return true;
    this.setCondition(pod, 'SchedulingGated', 'Scheduling is blocked due to non-empty scheduling gates');
    return false;
  }

  private profileFor(pod: Pod): Profile {
    return this.profiles.get(pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) ?? [...this.profiles.values()][0];
  }

  // --- the scheduling loop ---------------------------------------------------------------------

  private async loop(): Promise<void> {
    let slice = performance.now();
    while (this.running) {
      const q = await this.queue.pop();
      if (!q) return;
      try {
        this.scheduleOne(q);
      } catch (err) {
        this.log('scheduling attempt failed', { pod: q.info.key, error: err instanceof Error ? err.stack : String(err) });
        this.queue.addBackoff(q);
      }
      // Let watch events and bind responses in between long runs of scheduling cycles.
      if (performance.now() - slice > 20) {
        await yieldToIo();
        slice = performance.now();
      }
    }
  }

  private scheduleOne(q: QueuedPodInfo): void {
    const started = performance.now();
    const pod = q.info;
    const profile = this.profileFor(pod.pod);
    const cycle = this.queue.schedulingCycle;
    const state = new CycleState();
    state.pluginMetrics = this.metrics?.sampleCycle();
    const r = this.algorithm.schedule(profile, state, pod);
    if (r.kind === 'scheduled') {
      this.cache.assume(pod, r.node);
      const rejected = profile.runReserve(state, pod, r.node);
      if (rejected) {
        this.cache.forget(pod.key);
        this.metrics?.attempt('error', profile.name, started);
        return this.failed(q, cycle, 'SchedulerError', rejected.reasons.join(', '), new Set());
      }
      this.nominator.remove(pod.key);
      void this.bind(q, profile, state, r.node, started);
      return;
    }
    if (r.kind === 'error') {
      this.metrics?.attempt('error', profile.name, started);
      return this.failed(q, cycle, 'SchedulerError', r.message, new Set());
    }
    let nominated: string | undefined;
    for (const p of profile.plugins) {
      if (!p.postFilter) continue;
      const t = performance.now();
      const res = p.postFilter(state, pod, r.diagnosis.statuses);
      state.pluginMetrics?.observe(p.name, 'PostFilter', res.nominatedNode ? null : { code: 'Unschedulable', reasons: [] }, t);
      if (res.message) r.diagnosis.postFilterMsg = res.message;
      if (res.nominatedNode) {
        nominated = res.nominatedNode;
        this.nominator.add(pod, nominated);
        this.evict(pod, nominated, res.victims ?? []);
        break;
      }
    }
    this.metrics?.attempt('unschedulable', profile.name, started);
    // The Event names which plugin rejected which node, for the why API (its message only counts them).
    const verdicts = { [FILTER_VERDICTS_ANNOTATION]: encodeFilterVerdicts(r.numAllNodes, r.diagnosis.statuses) };
    this.failed(q, cycle, 'Unschedulable', unschedulableMessage(r), r.diagnosis.unschedulablePlugins, nominated, verdicts);
  }

  private failed(q: QueuedPodInfo, cycle: number, reason: string, message: string, plugins: Set<string>, nominatedNode?: string, annotations?: Record<string, string>): void {
    const pod = q.info.pod;
    this.events.event(pod, 'Warning', 'FailedScheduling', message, annotations);
    this.setCondition(pod, reason, message, nominatedNode);
    if (reason === 'Unschedulable') this.queue.addUnschedulable({ ...q, unschedulablePlugins: plugins }, cycle);
    else this.queue.addBackoff(q);
  }

  /** `started`: when the attempt's scheduling cycle began (upstream's attempt duration includes binding). */
  private async bind(q: QueuedPodInfo, profile: Profile, state: CycleState, node: string, started: number): Promise<void> {
    const pod = q.info.pod;
    const ns = pod.metadata.namespace ?? 'default';
    try {
      const preBind = await profile.runPreBind(state, q.info, node);
      if (preBind) throw new PreBindError(`running PreBind plugin "${preBind.plugin}": ${preBind.reasons.join(', ')}`);
      await this.binds.run(() => this.client.create(objectPath(R.pods, ns, pod.metadata.name!, 'binding'), {
        apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      }));
      this.scheduled++;
      this.metrics?.attempt('scheduled', profile.name, started);
      this.metrics?.podScheduled(q.attempts, q.initialAttemptTimestamp ?? q.timestamp);
      this.queue.done(q.info.key);
      this.events.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${pod.metadata.name} to ${node}`);
    } catch (err) {
      this.cache.forget(q.info.key);
      profile.runUnreserve(state, q.info, node);
      this.metrics?.attempt('error', profile.name, started);
      if (isNotFound(err)) return this.queue.done(q.info.key);
      const msg = err instanceof PreBindError ? err.message : `Binding rejected: ${errorMessage(err)}`;
      this.events.event(pod, 'Warning', 'FailedScheduling', msg);
      this.queue.addBackoff(q);
    }
  }

  /** Deletes preemption victims and points the preemptor at the node they free. */
  private evict(preemptor: PodInfo, node: string, victims: PodInfo[]): void {
    for (const v of victims) {
      const p = v.pod;
      this.events.event(p, 'Normal', 'Preempted', `Preempted by pod ${preemptor.pod.metadata.uid} on node ${node}`);
      // A victim already marked (an earlier attempt whose deletion failed) keeps its condition as it is.
      const target = changedCondition(p.status?.conditions, {
        type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${DEFAULT_SCHEDULER_NAME}: preempting to accommodate a higher priority pod`,
      });
      const marked = target
        ? this.client.patch(objectPath(R.pods, p.metadata.namespace, p.metadata.name!, 'status'), { status: { conditions: [target] } }, 'strategic').catch(() => undefined)
        : Promise.resolve();
      void marked
        .then(() => this.client.delete(objectPath(R.pods, p.metadata.namespace, p.metadata.name!), { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: p.metadata.uid } }))
        .catch(err => this.log('preemption victim deletion failed', { pod: v.key, error: String(err) }));
    }
    // Lower-priority pods nominated to the same node lose their claim.
    for (const other of this.nominator.podsOn(node)) {
      if (other.priority < preemptor.priority) {
        this.nominator.remove(other.key);
        this.setCondition(other.pod, 'Unschedulable', 'nominated node taken by a higher priority pod', '');
      }
    }
  }

  /** PodScheduled=False with reason and message (and nominatedNodeName), written only on change. */
  private setCondition(pod: Pod, reason: string, message: string, nominatedNode?: string): void {
    const patch = unschedulableStatusPatch(pod, reason, message, nominatedNode);
    if (!patch) return;
    void this.client.patch(objectPath(R.pods, pod.metadata.namespace, pod.metadata.name!, 'status'), patch, 'strategic')
      .catch(err => { if (!isNotFound(err)) this.log('pod status update failed', { pod: podKeyOf(pod), error: String(err) }); });
  }
}
