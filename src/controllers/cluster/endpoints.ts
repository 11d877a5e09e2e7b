// Endpoints controller: for each Service with a selector, an Endpoints object of the same name
// whose subsets list the selected pods — ready ones in addresses, others in notReadyAddresses
// (all in addresses with publishNotReadyAddresses) — grouped by their resolved ports.
import type { KubeObject } from '../../api/object.js';
import { isPodReady } from '../../api/pod-state.js';
import { collectionPath, objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ignoreAlreadyExists, ignoreNotFound } from '../../client/api-errors.js';
import { inNamespace } from '../owner-index.js';
import {
  isHeadless, managesEndpoints, podHostname, podIP, podPorts, portsKey, selects, servicesSelecting, shouldPodBeInEndpoints,
  type ResolvedPort,
} from './service-pods.js';
import type { ObjectReference, Pod, Service } from './types.js';
import { jsonEqual } from '../../util/json-equal.js';

interface EndpointAddress { ip: string; hostname?: string; nodeName?: string; targetRef: ObjectReference }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: ResolvedPort[] }
interface Endpoints extends KubeObject { subsets?: EndpointSubset[] }

export function desiredSubsets(svc: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses ?? false;
  const groups = new Map<string, { ports: ResolvedPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!selects(svc, pod) || !shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ports = podPorts(svc, pod);
    // A service with ports whose target names this pod lacks gets no address from it; a headless
    // service without ports lists the pod with no ports.
    if (!ports.length && svc.spec?.ports?.length) continue;
    const address: EndpointAddress = {
      ip: podIP(pod)!,
      ...(podHostname(svc, pod) ? { hostname: podHostname(svc, pod) } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    const k = portsKey(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, ready: [], notReady: [] }));
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(address);
  }
  const byIP = (a: EndpointAddress, b: EndpointAddress) => a.ip.localeCompare(b.ip) || (a.targetRef.name ?? '').localeCompare(b.targetRef.name ?? '');
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => ({
    ...(g.ready.length ? { addresses: g.ready.sort(byIP) } : {}),
    ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIP) } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

export function endpointsLabels(svc: Service): Record<string, string> {
  return { ...svc.metadata.labels, ...(isHeadless(svc) ? { 'service.kubernetes.io/headless': '' } : {}) };
}

export function endpointsController(): Controller {
  // Services whose Endpoints this controller wrote: only those go when their service goes, so
  // hand-made Endpoints without a service are left alone.
  const written = new Set<string>();
  return {
    name: 'endpoints',
    watches: [
      { resource: R.services },
      { resource: R.endpoints },
      { resource: R.pods, mapTo: servicesSelecting },
    ],
    workers: 4,
    async reconcile(key, ctx) {
      const [namespace, name] = key.split('/');
      const svc = ctx.informer<Service>(R.services).get(key);
      const current = ctx.informer<Endpoints>(R.endpoints).get(key);
      if (!svc || !managesEndpoints(svc)) {
        if (current && written.has(key)) await ignoreNotFound(ctx.client.delete(objectPath(R.endpoints, namespace, name)));
        written.delete(key);
        return;
      }
      const subsets = desiredSubsets(svc, inNamespace(ctx.informer<Pod>(R.pods), namespace));
      const labels = endpointsLabels(svc);
      written.add(key);
      if (current && jsonEqual(current.subsets ?? [], subsets) && jsonEqual(current.metadata.labels ?? {}, labels)) return;
      const next: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { ...(current?.metadata ?? { name, namespace }), labels }, subsets };
      if (current) await ctx.client.update(objectPath(R.endpoints, namespace, name), next);
      else await ignoreAlreadyExists(ctx.client.create(collectionPath(R.endpoints, namespace), next));
    },
  };
}
