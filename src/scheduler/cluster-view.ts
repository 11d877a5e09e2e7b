// The cluster objects plugins consult besides pods and nodes: namespaces (affinity
// namespaceSelector), PriorityClasses (pod priority), PodDisruptionBudgets (preemption), claims,
// PVs and StorageClasses (VolumeBinding), and the Services and controllers whose selectors give pods
// their default spreading.
import { LabelSelector, type LabelRequirement } from '../api/selectors/label-selector.js';
import type { KubeObject } from '../api/object.js';
import type { Informer } from '../client/informer.js';
import { R, type ResourceRef } from '../client/resources.js';
import type { SharedInformers } from '../client/shared-informers.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/volume-binding.js';
import type { VolumeListers } from './framework.js';
import type { DisruptionBudget } from './plugins/default-preemption.js';
import type { LabelSelectorSpec, Pod } from './types.js';

interface Selecting extends KubeObject { spec?: { selector?: LabelSelectorSpec | Record<string, string> } }
interface PriorityClass extends KubeObject { value?: number; globalDefault?: boolean; preemptionPolicy?: string }

const CONTROLLER_KINDS: Record<string, ResourceRef> = { ReplicaSet: R.replicasets, ReplicationController: R.replicationcontrollers, StatefulSet: R.statefulsets };

export class ClusterView implements VolumeListers {
  readonly namespaces: Informer;
  readonly claims: Informer<PersistentVolumeClaim>;
  readonly pvs: Informer<PersistentVolume>;
  readonly storageClasses: Informer<StorageClass>;
  readonly priorityClasses: Informer<PriorityClass>;
  readonly pdbs: Informer;
  private readonly services: Informer<Selecting>;
  private readonly controllers = new Map<string, Informer<Selecting>>();

  /** The informers come from `informers` (started there; their owner stops them). */
  constructor(informers: SharedInformers) {
    this.namespaces = informers.get(R.namespaces);
    this.priorityClasses = informers.get<PriorityClass>(R.priorityclasses);
    this.pdbs = informers.get(R.poddisruptionbudgets);
    this.claims = informers.get(R.persistentvolumeclaims);
    this.pvs = informers.get(R.persistentvolumes);
    this.storageClasses = informers.get(R.storageclasses);
    this.services = informers.get<Selecting>(R.services).addIndex('namespace', o => [o.metadata.namespace ?? '']);
    for (const [kind, ref] of Object.entries(CONTROLLER_KINDS)) this.controllers.set(kind, informers.get<Selecting>(ref));
  }

  private get all(): Informer<KubeObject>[] {
    return [this.namespaces, this.priorityClasses, this.pdbs, this.claims, this.pvs, this.storageClasses, this.services, ...this.controllers.values()] as Informer<KubeObject>[];
  }

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  volume(name: string): PersistentVolume | undefined {
    return this.pvs.get(name);
  }

  volumes(): PersistentVolume[] {
    return this.pvs.list();
  }

  storageClass(name: string): StorageClass | undefined {
    return this.storageClasses.get(name);
  }

  waitForSync(): Promise<void[]> {
    return Promise.all(this.all.map(i => i.waitForSync()));
  }

  namespaceLabels = (ns: string): Record<string, string> | undefined => this.namespaces.get(ns)?.metadata.labels;

  /** spec.priority, else its PriorityClass's value, else the global default class's, else 0. */
  priorityOf(pod: Pod): number {
    if (pod.spec?.priority !== undefined) return pod.spec.priority;
    const name = pod.spec?.priorityClassName;
    if (name) return this.priorityClasses.get(name)?.value ?? 0;
    return this.priorityClasses.list().find(c => c.globalDefault)?.value ?? 0;
  }

  disruptionBudgets(): DisruptionBudget[] {
    return this.pdbs.list().map(b => {
      const spec = b.spec as { selector?: LabelSelectorSpec } | undefined;
      return {
        namespace: b.metadata.namespace ?? 'default',
        selector: LabelSelector.fromObject(spec?.selector ?? null) ?? new LabelSelector([{ key: '\0never', operator: 'Exists', values: [] }]),
        disruptionsAllowed: (b.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0,
      };
    });
  }

  /** Upstream's DefaultSelector: the Services selecting the pod and its owning controller, ANDed. */
  defaultSelector(pod: Pod): LabelSelector | null {
    const reqs: LabelRequirement[] = [];
    const labels = pod.metadata.labels ?? {};
    for (const svc of this.services.byIndex('namespace', pod.metadata.namespace ?? '')) {
      const sel = svc.spec?.selector as Record<string, string> | undefined;
      if (!sel || !Object.keys(sel).length) continue;
      if (Object.entries(sel).every(([k, v]) => labels[k] === v)) for (const [k, v] of Object.entries(sel)) reqs.push({ key: k, operator: 'In', values: [v] });
    }
    const owner = pod.metadata.ownerReferences?.find(o => o.controller);
    const inf = owner && this.controllers.get(owner.kind);
    const ctl = inf?.get(`${pod.metadata.namespace}/${owner!.name}`);
    const sel = ctl?.spec?.selector;
    if (sel) {
      const compiled = owner!.kind === 'ReplicationController'
        ? LabelSelector.fromObject({ matchLabels: sel as Record<string, string> })
        : LabelSelector.fromObject(sel as LabelSelectorSpec);
      if (compiled) reqs.push(...compiled.requirements);
    }
    return reqs.length ? new LabelSelector(reqs) : null;
  }
}
