// EndpointSlice controller: for each Service with a selector, discovery.k8s.io/v1 EndpointSlices
// (labelled with the service name and this controller as manager, owned by the Service) holding the
// selected pods with ready/serving/terminating conditions, grouped by resolved ports, at most 100
// endpoints per slice.
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../api/endpoint-slice-labels.js';
import { nowTimestamp } from '../../api/object.js';
import type { KubeObject } from '../../api/object.js';
import { isPodReady } from '../../api/pod-state.js';
import type { Informer } from '../../client/informer.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { Expectations, expectationsFor } from '../expectations.js';
import { inNamespace } from '../owner-index.js';
import {
  isHeadless, managesEndpoints, podHostname, podIP, podPorts, portsKey, selects, servicesSelecting, shouldPodBeInEndpoints,
} from './service-pods.js';
import type { ObjectReference, Pod, Service } from './types.js';
import { jsonEqual } from '../../util/json-equal.js';

export { SERVICE_NAME_LABEL, MANAGED_BY_LABEL };
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
const MAX_ENDPOINTS = 100;
const RETRY_MS = 200;

interface SlicePort { name: string; port: number; protocol: string; appProtocol?: string }
export interface Endpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: ObjectReference;
}
export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6';
  endpoints: Endpoint[];
  ports: SlicePort[];
}

export interface DesiredSlice { ports: SlicePort[]; endpoints: Endpoint[] }

export function desiredSlices(svc: Service, pods: Pod[]): DesiredSlice[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses ?? false;
  const groups = new Map<string, DesiredSlice>();
  for (const pod of pods) {
    if (!selects(svc, pod) || !shouldPodBeInEndpoints(pod, true)) continue;
    const resolved = podPorts(svc, pod);
    if (!resolved.length && svc.spec?.ports?.length) continue;
    const serving = publishNotReady || isPodReady(pod);
    const terminating = !!pod.metadata.deletionTimestamp;
    const ep: Endpoint = {
      addresses: [podIP(pod)!],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      ...(podHostname(svc, pod) ? { hostname: podHostname(svc, pod) } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    const k = portsKey(resolved);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports: resolved.map(p => ({ ...p, name: p.name ?? '' })), endpoints: [] }));
    g.endpoints.push(ep);
  }
  const out: DesiredSlice[] = [];
  for (const [, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    g.endpoints.sort((a, b) => a.addresses[0].localeCompare(b.addresses[0]) || (a.targetRef.name ?? '').localeCompare(b.targetRef.name ?? ''));
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS) out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS) });
  }
  // A service that selects nothing still gets one empty slice, as upstream keeps a placeholder.
  if (!out.length) out.push({ ports: [], endpoints: [] });
  return out;
}

export function sliceLabels(svc: Service): Record<string, string> {
  return {
    ...svc.metadata.labels,
    [SERVICE_NAME_LABEL]: svc.metadata.name!,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    ...(isHeadless(svc) ? { 'service.kubernetes.io/headless': '' } : {}),
  };
}

/**
 * The slices' last-change trigger time: the newest of the Service's creation and each selected pod's
 * last Ready transition (its creation until it has one) — when the change being written happened.
 */
export function lastChangeTriggerTime(svc: Service, pods: Pod[]): string | undefined {
  let newest = Date.parse(svc.metadata.creationTimestamp ?? '');
  for (const pod of pods) {
    if (!selects(svc, pod)) continue;
    const changed = Date.parse(pod.status?.conditions?.find(c => c.type === 'Ready')?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? '');
    if (Number.isNaN(newest) || changed > newest) newest = changed;
  }
  return Number.isNaN(newest) ? undefined : nowTimestamp(new Date(newest));
}

const same = (s: EndpointSlice, d: DesiredSlice, labels: Record<string, string>) =>
  jsonEqual(s.endpoints ?? [], d.endpoints) && jsonEqual(s.ports ?? [], d.ports)
  && jsonEqual(s.metadata.labels ?? {}, labels);

export function endpointSliceController(): Controller {
  const expectations = new WeakMap<Informer, Expectations>();
  return {
    name: 'endpointslice',
    watches: [
      { resource: R.services },
      { resource: R.endpointslices, mapTo: s => (s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? [`${s.metadata.namespace}/${s.metadata.labels[SERVICE_NAME_LABEL]}`] : []) },
      { resource: R.pods, mapTo: servicesSelecting },
    ],
    workers: 4,
    async reconcile(key, ctx) {
      const [namespace, name] = key.split('/');
      const slices = inNamespace(ctx.informer<EndpointSlice>(R.endpointslices), namespace)
        .filter(s => s.metadata.labels?.[SERVICE_NAME_LABEL] === name && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY && !s.metadata.deletionTimestamp);
      // A slice created but not yet cached would be created again: wait for the cache.
      const exp = expectationsFor(expectations, ctx.informer(R.endpointslices));
      if (!exp.satisfied(key)) {
        ctx.requeueAfter(key, RETRY_MS);
        return;
      }
      const svc = ctx.informer<Service>(R.services).get(key);
      const remove = (s: EndpointSlice) => ignoreNotFound(ctx.client.delete(objectPath(R.endpointslices, namespace, s.metadata.name!)));
      if (!svc || !managesEndpoints(svc)) {
        await Promise.all(slices.map(remove));
        return;
      }
      const pods = inNamespace(ctx.informer<Pod>(R.pods), namespace);
      const desired = desiredSlices(svc, pods);
      const triggerTime = lastChangeTriggerTime(svc, pods);
      const labels = sliceLabels(svc);
      // Reuse slices in name order; surplus ones go, missing ones are created.
      const existing = [...slices].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
      const owner = { apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true };
      await Promise.all(desired.map(async (d, i) => {
        const cur = existing[i];
        if (cur && same(cur, d, labels)) return;
        const annotations = { ...cur?.metadata.annotations, ...(triggerTime ? { [LAST_CHANGE_TRIGGER_TIME_ANNOTATION]: triggerTime } : {}) };
        const body: EndpointSlice = {
          apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
          metadata: cur ? { ...cur.metadata, labels, annotations } : { generateName: `${name}-`, namespace, labels, annotations, ownerReferences: [owner] },
          addressType: 'IPv4', endpoints: d.endpoints, ports: d.ports,
        };
        if (cur) {
          await ctx.client.update(objectPath(R.endpointslices, namespace, cur.metadata.name!), body);
        } else {
          const created = await ctx.client.create<EndpointSlice>(collectionPath(R.endpointslices, namespace), body);
          exp.expectCreations(key, [`${namespace}/${created.metadata.name}`]);
        }
      }));
      await Promise.all(existing.slice(desired.length).map(remove));
    },
  };
}
