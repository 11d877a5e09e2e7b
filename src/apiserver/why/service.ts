// Why a Service has the endpoints it has: its selector, the pods it matches, for each matching pod
// that is not a ready endpoint the reason (not scheduled, not ready and which containers,
// terminating, no container port of the target name), and the near misses — pods that share part
// of the selector — with the labels that differ. A Service without a selector is explained by its
// hand-made Endpoints.
import type { KubeObject } from '../../api/object.js';
import { managesEndpoints, podIP, resolveTargetPort, selects } from '../../api/service-backends.js';
import type { Endpoints, Pod, Service } from '../../api/types/generated.js';
import type { Explanation, Finding } from '../../api/why.js';
import { eventsSection, explanation, named, type Event } from './common.js';
import { podVerdict } from './pod.js';

const MAX_NEAR_MISSES = 10;

export interface ServiceContext {
  /** The pods of the Service's namespace. */
  pods: Pod[];
  /** The Endpoints object named after the Service, if there is one. */
  endpoints?: Endpoints;
  /** The events of any object, by uid. */
  eventsOf(uid: string | undefined): Event[];
}

export function explainService(svc: Service, ctx: ServiceContext): Explanation {
  const events = eventsSection(ctx.eventsOf(svc.metadata?.uid));
  const obj = svc as KubeObject;
  if (svc.spec?.type === 'ExternalName') {
    return explanation(obj, `ExternalName service: a DNS alias of ${svc.spec.externalName ?? '(unset)'}, without endpoints by design`, [events], 'ok');
  }
  const addresses = endpointAddresses(ctx.endpoints);
  if (!managesEndpoints(svc)) {
    const findings: Finding[] = [{ severity: 'info', subject: 'spec.selector', text: 'none: the Service\'s endpoints are managed by hand, in the Endpoints object (and EndpointSlices) of its name' }];
    for (const a of addresses) findings.push({ severity: a.ready ? 'ok' : 'warning', subject: a.ip, text: a.ready ? 'ready address' : 'not-ready address' });
    const ready = addresses.filter(a => a.ready).length;
    const summary = !ctx.endpoints ? `No endpoints: the Service has no selector and there is no Endpoints object named ${svc.metadata?.name}`
      : `No selector: ${ready} ready address${ready === 1 ? '' : 'es'} in the hand-made Endpoints object`;
    return explanation(obj, summary, [{ title: 'Endpoints', findings }, events], ready ? 'ok' : 'error');
  }

  const selector = Object.entries(svc.spec!.selector!).map(([k, v]) => `${k}=${v}`).join(',');
  const matching = ctx.pods.filter(p => selects(svc, p));
  const readyNames = new Set(addresses.filter(a => a.ready).map(a => a.pod));
  const podFindings = matching.map(p => matchingPodFinding(svc, p, readyNames, ctx.eventsOf(p.metadata?.uid)));
  const ready = podFindings.filter(f => f.severity === 'ok').length;
  const namespace = svc.metadata?.namespace;
  const summary = !matching.length ? `No endpoints: selector ${selector} matches no pod in namespace ${namespace}`
    : !ready ? `No ready endpoints: ${matching.length} pod${matching.length === 1 ? '' : 's'} match${matching.length === 1 ? 'es' : ''} selector ${selector}, none is a ready endpoint`
      : `${ready} ready endpoint${ready === 1 ? '' : 's'} (of ${matching.length} pod${matching.length === 1 ? '' : 's'} matching ${selector})`;
  return explanation(obj, summary, [
    { title: 'Selector', findings: [{ severity: matching.length ? 'ok' : 'error', subject: 'spec.selector', text: selector, detail: `${matching.length} of ${ctx.pods.length} pods in namespace ${namespace} match` }] },
    { title: 'Matching pods', findings: podFindings },
    { title: 'Near misses', findings: nearMisses(svc, ctx.pods) },
    events,
  ], ready ? 'ok' : 'error');
}

interface Address { ip: string; pod?: string; ready: boolean }

function endpointAddresses(ep: Endpoints | undefined): Address[] {
  return (ep?.subsets ?? []).flatMap(s => [
    ...(s.addresses ?? []).map(a => ({ ip: a.ip, pod: a.targetRef?.name, ready: true })),
    ...(s.notReadyAddresses ?? []).map(a => ({ ip: a.ip, pod: a.targetRef?.name, ready: false })),
  ]);
}

/** Why a pod the selector matches is, or is not, a ready endpoint. */
function matchingPodFinding(svc: Service, pod: Pod, readyNames: Set<string | undefined>, events: Event[]): Finding {
  const subject = named('Pod', pod.metadata?.name);
  const ports = svc.spec?.ports ?? [];
  const unresolved = ports.filter(p => resolveTargetPort(p, pod) === undefined);
  if (readyNames.has(pod.metadata?.name)) return { severity: 'ok', subject, text: `ready endpoint ${podIP(pod)}` };
  if (pod.metadata?.deletionTimestamp) return { severity: 'warning', subject, text: 'terminating: taken out of the endpoints' };
  if (unresolved.length === ports.length && ports.length) {
    return {
      severity: 'error', subject,
      text: unresolved.map(p => `no container port named "${p.targetPort}" (service port ${p.name ? `${p.name}, ` : ''}${p.port}/${p.protocol ?? 'TCP'})`).join('; '),
    };
  }
  const v = podVerdict(pod, events);
  if (v.severity !== 'ok') return { severity: 'error', subject, text: v.text };
  return { severity: 'warning', subject, text: 'ready, but not in the Endpoints yet (the endpoints controller has not caught up)' };
}

/** Pods that carry some of the selector's keys but not all of its values: which labels differ. */
function nearMisses(svc: Service, pods: Pod[]): Finding[] {
  const wanted = Object.entries(svc.spec?.selector ?? {});
  const misses: { pod: Pod; differences: string[] }[] = [];
  for (const pod of pods) {
    const labels = pod.metadata?.labels ?? {};
    if (selects(svc, pod) || !wanted.some(([k]) => k in labels)) continue;
    const differences = wanted.filter(([k, v]) => labels[k] !== v)
      .map(([k, v]) => k in labels ? `${k}=${labels[k]} (want ${k}=${v})` : `no label ${k} (want ${k}=${v})`);
    misses.push({ pod, differences });
  }
  misses.sort((a, b) => a.differences.length - b.differences.length || (a.pod.metadata?.name ?? '').localeCompare(b.pod.metadata?.name ?? ''));
  return misses.slice(0, MAX_NEAR_MISSES).map(m => ({ severity: 'info', subject: named('Pod', m.pod.metadata?.name), text: m.differences.join(', ') }));
}
