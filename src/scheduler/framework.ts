// The plugin framework's vocabulary, after upstream's: statuses, the per-cycle state, and one
// optional method per extension point. A plugin implements the points it needs.
import type { LabelSelector } from '../api/selectors/label-selector.js';
import type { SchedulerCache } from './cache.js';
import type { NodeInfo } from './node-info.js';
import type { NamespaceLabels, PodInfo } from './pod-info.js';
import type { ClusterEvent, QueuedPodInfo } from './queue.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/volume-binding.js';
import type { Pod } from './types.js';

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

export interface Status {
  code: Code;
  reasons: string[];
  plugin?: string;
}

export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons });
export const errorStatus = (reason: string): Status => ({ code: 'Error', reasons: [reason] });
export const SKIP: Status = { code: 'Skip', reasons: [] };

/** Data plugins compute in PreFilter/PreScore and read in Filter/Score, for one pod's cycle. */
/** Upstream's scheduler_plugin_execution_duration_seconds: one plugin call at one extension point ended. */
export interface PluginMetricsRecorder {
  /** `status` null is Success; `startedMs` a performance.now() reading. */
  observe(plugin: string, extensionPoint: string, status: Status | null, startedMs: number): void;
}

export class CycleState {
  private readonly data = new Map<string, unknown>();
  /**
   * The Filter plugins to run this cycle: the profile's, minus those whose PreFilter returned
   * Skip (upstream's SkipFilterPlugins, resolved once rather than looked up for every node).
   */
  filters?: readonly Plugin[];
  readonly skipScore = new Set<string>();
  /** Set in the cycles whose plugin calls are timed (upstream samples 10%): every call then reports here. */
  pluginMetrics?: PluginMetricsRecorder;

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, v: unknown): void {
    this.data.set(key, v);
  }
}

/** The claims, PVs and classes the plugin reads (the scheduler's informer caches). */
export interface VolumeListers {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
}

/** The writes PreBind makes. */
export interface VolumeWriter {
  /** Sets spec.claimRef of a PV to the claim (static binding). */
  bindVolume(pv: PersistentVolume, claim: PersistentVolumeClaim): Promise<void>;
  /** Sets the selected-node annotation on a claim to provision. */
  selectNode(claim: PersistentVolumeClaim, node: string): Promise<void>;
}

/** What plugins may consult beyond the pod and node at hand. */
export interface Handle {
  cache: SchedulerCache;
  namespaceLabels: NamespaceLabels;
  /** The selector of the Services / controllers owning the pod (for default spreading), if any. */
  defaultSelector(pod: Pod): LabelSelector | null;
  /** Runs the profile's filters, nominated pods included (preemption's "does it fit now?"). */
  filter(s: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
  /** Pods nominated to run on a node (preemptors waiting for their victims to leave). */
  nominatedPods(node: string): PodInfo[];
  /** Claims, PVs and StorageClasses (VolumeBinding). */
  volumes: VolumeListers;
  /** The API writes of VolumeBinding's PreBind. */
  volumeWriter: VolumeWriter;
}

/** PostFilter's answer: a node to nominate and the pods to evict there, or why not. */
export interface PostFilterResult {
  nominatedNode?: string;
  victims?: PodInfo[];
  /** For the FailedScheduling message, e.g. "preemption: 0/3 nodes are available: ...". */
  message: string;
}

export const MAX_NODE_SCORE = 100;

export interface Plugin {
  readonly name: string;
  /** Events that may make a pod this plugin rejected schedulable. */
  readonly events?: readonly ClusterEvent['resource'][];
  less?(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  preEnqueue?(pod: Pod): Status | null;
  /** May return SKIP: the plugin's Filter then has nothing to check for this pod. */
  preFilter?(s: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status | null;
  filter?(s: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
  /** May return SKIP: the plugin's Score then does not run for this pod. */
  preScore?(s: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status | null;
  score?(s: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalizeScore?(s: CycleState, pod: PodInfo, scores: Float64Array, nodes: NodeInfo[]): void;
  postFilter?(s: CycleState, pod: PodInfo, statuses: Map<string, Status>): PostFilterResult;
  reserve?(s: CycleState, pod: PodInfo, node: string): Status | null;
  unreserve?(s: CycleState, pod: PodInfo, node: string): void;
  /** Runs in the binding cycle, before the Binding is created; may wait (VolumeBinding waits for claims to bind). */
  preBind?(s: CycleState, pod: PodInfo, node: string): Promise<Status | null>;
}

/** Scales scores to 0..MAX_NODE_SCORE by the maximum (reverse: higher raw is worse). */
export function normalizeByMax(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (const v of scores) if (v > max) max = v;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? MAX_NODE_SCORE : 0;
    else {
      const s = Math.floor((MAX_NODE_SCORE * scores[i]) / max);
      scores[i] = reverse ? MAX_NODE_SCORE - s : s;
    }
  }
}
