// Local APIServices, as upstream's autoregister and crdRegistration controllers keep them: one per
// built-in group-version this server serves (label automanaged=onstart: removed only by a restart
// that no longer serves it) and one per served version of every CRD group (automanaged=true:
// removed as soon as no CRD serves it), and one per group-version an in-process server of this API
// server serves (the metrics API; onstart, like the built-in ones). An APIService without the label
// is someone else's.
import type { GroupInfo } from '../../api/catalog.js';
import type { APIService, APIServiceSpec, CustomResourceDefinition } from '../../api/types/generated.js';
import { builtInPriority, CUSTOM_RESOURCE_PRIORITY, type APIServicePriority } from './priorities.js';

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';

type Managed = 'onstart' | 'true';

export interface DesiredAPIService {
  name: string;
  spec: APIServiceSpec;
  managed: Managed;
}

export type RegistrationAction =
  | { op: 'create'; object: APIService }
  | { op: 'update'; object: APIService }
  | { op: 'delete'; name: string; resourceVersion: string };

function desired(group: string, version: string, priority: APIServicePriority, managed: Managed): DesiredAPIService {
  return { name: `${version}.${group}`, spec: { group, version, groupPriorityMinimum: priority.group, versionPriority: priority.version }, managed };
}

/** A group-version served in-process by this API server, registered as a local APIService. */
export interface InProcessGroupVersion {
  group: string;
  version: string;
  priority: APIServicePriority;
}

/** The in-process server of a local APIService's group-version (none when the APIService is Service-backed). */
export function inProcessServerOf<T extends InProcessGroupVersion>(apiService: APIService, inProcess: T[]): T | undefined {
  if (apiService.spec?.service) return undefined;
  return inProcess.find(a => a.group === apiService.spec?.group && a.version === apiService.spec?.version);
}

/** What should exist: the served built-in group-versions upstream registers, the in-process ones, then every served CRD version. */
export function desiredLocalAPIServices(groups: GroupInfo[], crds: CustomResourceDefinition[], inProcess: InProcessGroupVersion[] = []): Map<string, DesiredAPIService> {
  const out = new Map<string, DesiredAPIService>();
  for (const g of groups) {
    for (const v of g.versions) {
      const priority = builtInPriority(g.name, v);
      if (priority) out.set(`${v}.${g.name}`, desired(g.name, v, priority, 'onstart'));
    }
  }
  for (const gv of inProcess) out.set(`${gv.version}.${gv.group}`, desired(gv.group, gv.version, gv.priority, 'onstart'));
  for (const crd of crds) {
    for (const v of crd.spec.versions ?? []) {
      const name = `${v.name}.${crd.spec.group}`;
      if (v.served && !out.has(name)) out.set(name, desired(crd.spec.group, v.name, CUSTOM_RESOURCE_PRIORITY, 'true'));
    }
  }
  return out;
}

function sameSpec(a: APIServiceSpec | undefined, b: APIServiceSpec): boolean {
  return !!a && !a.service && (a.group ?? '') === b.group && a.version === b.version
    && a.groupPriorityMinimum === b.groupPriorityMinimum && a.versionPriority === b.versionPriority;
}

/**
 * Upstream's checkAPIService over all names at once. `firstSync` is the sync after a start: only
 * then do `onstart` APIServices that nothing serves any more go away.
 */
export function planRegistration(want: Map<string, DesiredAPIService>, current: APIService[], firstSync: boolean): RegistrationAction[] {
  const actions: RegistrationAction[] = [];
  const byName = new Map(current.map(a => [a.metadata?.name ?? '', a]));
  for (const d of want.values()) {
    const live = byName.get(d.name);
    const labels = { [AUTOMANAGED_LABEL]: d.managed };
    if (!live) {
      actions.push({ op: 'create', object: { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: d.name, labels }, spec: d.spec } });
      continue;
    }
    // The label taken off by hand: the APIService is no longer ours to change.
    if (!live.metadata?.labels?.[AUTOMANAGED_LABEL]) continue;
    if (sameSpec(live.spec, d.spec) && live.metadata.labels[AUTOMANAGED_LABEL] === d.managed) continue;
    actions.push({ op: 'update', object: { ...live, metadata: { ...live.metadata, labels: { ...live.metadata.labels, ...labels } }, spec: d.spec } });
  }
  for (const live of current) {
    const name = live.metadata?.name ?? '';
    const managed = live.metadata?.labels?.[AUTOMANAGED_LABEL];
    if (want.has(name) || !managed) continue;
    if (managed === 'onstart' && !firstSync) continue;
    actions.push({ op: 'delete', name, resourceVersion: live.metadata?.resourceVersion ?? '' });
  }
  return actions;
}
