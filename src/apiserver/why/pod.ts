// Why a pod is as it is: where the scheduler stands (the per-node verdict of its last failed
// attempt, from the FailedScheduling Event), each container's state, the conditions, the owner
// chain with the owner's failures to create pods (quota, admission), and the pod's events.
import { decodeFilterVerdicts } from '../../api/scheduling-verdicts.js';
import { isPodReady } from '../../api/pod-state.js';
import type { ContainerStatus, Node, Pod } from '../../api/types/generated.js';
import type { Explanation, ExplanationSection, Finding, Severity } from '../../api/why.js';
import type { KubeObject } from '../../api/object.js';
import { conditionsSection, eventFinding, eventsSection, eventTime, explanation, latest, named, ownerFindings, type Event, type OwnerLink } from './common.js';

export interface PodContext {
  /** The pod's events. */
  events: Event[];
  /** The owner chain, nearest first. */
  owners: OwnerLink[];
  /** Warning events of the nearest owner (a ReplicaSet's FailedCreate: quota, admission). */
  ownerEvents: Event[];
  /** The node the pod is bound to, when it exists. */
  node?: Node;
}

/** Waiting reasons that do not pass by themselves: the pod needs a fix or waits on a backoff. */
const FAILED_WAITING = new Set([
  'ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'InvalidImageName', 'CrashLoopBackOff',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'PreStartHookError', 'PostStartHookError',
]);

export function explainPod(pod: Pod, ctx: PodContext): Explanation {
  const verdict = podVerdict(pod, ctx.events);
  const sections: ExplanationSection[] = [
    { title: 'Scheduling', findings: schedulingFindings(pod, ctx.events, ctx.node) },
    { title: 'Containers', findings: containerFindings(pod, ctx.events) },
    conditionsSection(pod.status?.conditions),
    { title: 'Owners', findings: [...ownerFindings(ctx.owners), ...ctx.ownerEvents.map(e => ({ ...eventFinding(e), severity: 'error' as const }))] },
    eventsSection(ctx.events),
  ];
  return explanation(pod as KubeObject, verdict.text, sections);
}

/** The pod's state in one line, with how bad it is: what a Deployment or Service says of each pod. */
export function podVerdict(pod: Pod, events: Event[]): { severity: Severity; text: string } {
  const status = pod.status ?? {};
  if (pod.metadata?.deletionTimestamp) return { severity: 'warning', text: `Terminating (deletion requested at ${pod.metadata.deletionTimestamp})` };
  if (status.phase === 'Succeeded') return { severity: 'ok', text: 'Succeeded: all containers exited with status 0' };
  if (status.phase === 'Failed') return { severity: 'error', text: `Failed${status.reason ? `: ${status.reason}` : ''}${status.message ? `: ${status.message}` : ''}` };
  if (!pod.spec?.nodeName) {
    const gates = pod.spec?.schedulingGates?.map(g => g.name) ?? [];
    if (gates.length) return { severity: 'warning', text: `Pending: scheduling gated by ${gates.join(', ')}` };
    const why = schedulingMessage(pod, events);
    return { severity: why ? 'error' : 'warning', text: why ? `Pending: not scheduled: ${why}` : 'Pending: not scheduled yet' };
  }
  const statuses = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  const failing = statuses.find(s => FAILED_WAITING.has(s.state?.waiting?.reason ?? ''));
  if (failing) {
    const w = failing.state!.waiting!;
    return { severity: 'error', text: `${status.phase ?? 'Pending'}: container ${failing.name} is waiting: ${w.reason}${w.message ? ` (${w.message})` : ''}` };
  }
  if (isPodReady(pod)) return { severity: 'ok', text: `Running and ready on node ${pod.spec.nodeName}` };
  if (status.phase === 'Running') {
    const notReady = (status.containerStatuses ?? []).filter(s => !s.ready);
    const probe = notReady.map(s => readinessFailure(s.name, events)).find(Boolean);
    // With every container ready, the Ready condition says why (readiness gates, the node lost).
    const ready = status.conditions?.find(c => c.type === 'Ready');
    const cause = notReady.length ? `container${notReady.length > 1 ? 's' : ''} ${notReady.map(s => s.name).join(', ')} not ready`
      : ready?.reason ? `${ready.reason}${ready.message ? `: ${ready.message}` : ''}` : 'the Ready condition is not True';
    return { severity: 'warning', text: `Running, not ready: ${cause}${probe ? ` (${probe})` : ''}` };
  }
  const waiting = statuses.find(s => s.state?.waiting);
  return { severity: 'info', text: `${status.phase ?? 'Pending'} on node ${pod.spec.nodeName}${waiting ? `: container ${waiting.name} is waiting: ${waiting.state!.waiting!.reason ?? ''}` : ''}` };
}

/** The scheduler's latest word: the PodScheduled condition's message, else the FailedScheduling event's. */
function schedulingMessage(pod: Pod, events: Event[]): string | undefined {
  const cond = pod.status?.conditions?.find(c => c.type === 'PodScheduled' && c.status === 'False');
  return cond?.message || latest(events, 'FailedScheduling')?.message;
}

function schedulingFindings(pod: Pod, events: Event[], node: Node | undefined): Finding[] {
  if (pod.spec?.nodeName) return [boundNodeFinding(pod.spec.nodeName, node)];
  const gates = pod.spec?.schedulingGates?.map(g => g.name) ?? [];
  if (gates.length) return [{ severity: 'warning', subject: 'scheduler', text: `waits for scheduling gates to be removed: ${gates.join(', ')}` }];
  const failed = latest(events, 'FailedScheduling');
  const message = schedulingMessage(pod, events);
  if (!message) {
    const scheduler = pod.spec?.schedulerName ?? 'default-scheduler';
    return [{ severity: 'warning', subject: 'scheduler', text: `no scheduling attempt recorded yet (schedulerName ${scheduler})` }];
  }
  const findings: Finding[] = [{ severity: 'error', subject: 'scheduler', text: message }];
  const verdicts = decodeFilterVerdicts(failed?.metadata.annotations);
  // The Event may trail the condition (events about one object are rate-limited): say so.
  const earlier = failed && !failed.message?.endsWith(message) ? `; from the attempt at ${eventTime(failed)}: ${failed.message}` : '';
  for (const g of verdicts?.rejected ?? []) {
    const reasons = g.reasons.join(', ');
    const detail = g.plugin || earlier ? `${g.plugin ? `rejected by the ${g.plugin} filter` : 'rejected'}${earlier}` : undefined;
    for (const node of g.nodes) findings.push({ severity: 'error', subject: named('Node', node), text: reasons, ...(detail ? { detail } : {}) });
    if (g.more) findings.push({ severity: 'error', subject: `${g.more} more nodes`, text: reasons, ...(detail ? { detail } : {}) });
  }
  return findings;
}

/** The bound node's health: a pod on a node that is gone or not Ready is not looked after. */
function boundNodeFinding(name: string, node: Node | undefined): Finding {
  const subject = named('Node', name);
  if (!node) return { severity: 'error', subject, text: 'scheduled to this node, which does not exist (any more)' };
  const ready = node.status?.conditions?.find(c => c.type === 'Ready');
  if (ready?.status === 'True') return { severity: 'ok', subject, text: 'scheduled to this node, which is Ready' };
  return {
    severity: 'error', subject, text: `scheduled to this node, which is not Ready (Ready=${ready?.status ?? 'unknown'}${ready?.reason ? `, ${ready.reason}` : ''})`,
    ...(ready?.message ? { detail: ready.message } : {}),
  };
}

/** The latest readiness probe failure of a container, from the kubelet's Unhealthy events. */
function readinessFailure(container: string, events: Event[]): string | undefined {
  const mine = events.filter(e => e.reason === 'Unhealthy' && e.message?.startsWith('Readiness probe') &&
    (!e.involvedObject.fieldPath || e.involvedObject.fieldPath.includes(`{${container}}`)));
  return latest(mine, 'Unhealthy')?.message;
}

function containerFindings(pod: Pod, events: Event[]): Finding[] {
  const findings: Finding[] = [];
  const describe = (kind: string, specNames: string[], statuses: ContainerStatus[] | undefined) => {
    for (const name of specNames) {
      const s = statuses?.find(st => st.name === name);
      const subject = `${kind}/${name}`;
      if (!s) {
        findings.push({ severity: 'info', subject, text: 'no status yet' });
        continue;
      }
      findings.push(stateFinding(subject, s, kind === 'container' ? readinessFailure(name, events) : undefined));
      const last = s.lastState?.terminated;
      if (last) {
        findings.push({
          severity: last.exitCode === 0 ? 'info' : 'warning', subject,
          text: `last terminated: ${last.reason ?? 'Unknown'} (exit code ${last.exitCode}${last.signal ? `, signal ${last.signal}` : ''})`,
          detail: `${last.message ? `${last.message}; ` : ''}finished at ${last.finishedAt ?? 'unknown'}; restarted ${s.restartCount} times`,
        });
      }
    }
  };
  describe('init-container', (pod.spec?.initContainers ?? []).map(c => c.name), pod.status?.initContainerStatuses);
  describe('container', (pod.spec?.containers ?? []).map(c => c.name), pod.status?.containerStatuses);
  return findings;
}

function stateFinding(subject: string, s: ContainerStatus, probeFailure: string | undefined): Finding {
  const { waiting, running, terminated } = s.state ?? {};
  if (waiting) {
    return {
      severity: FAILED_WAITING.has(waiting.reason ?? '') ? 'error' : 'info', subject,
      text: `waiting: ${waiting.reason ?? 'unknown reason'}`, ...(waiting.message ? { detail: waiting.message } : {}),
    };
  }
  if (running) {
    if (s.ready) return { severity: 'ok', subject, text: 'running, ready', detail: `started at ${running.startedAt ?? 'unknown'}` };
    return { severity: 'warning', subject, text: 'running, not ready', detail: probeFailure ?? `started at ${running.startedAt ?? 'unknown'}; no readiness probe failure recorded` };
  }
  if (terminated) {
    return {
      severity: terminated.exitCode === 0 ? 'info' : 'error', subject,
      text: `terminated: ${terminated.reason ?? 'Unknown'} (exit code ${terminated.exitCode})`,
      ...(terminated.message ? { detail: terminated.message } : {}),
    };
  }
  return { severity: 'info', subject, text: 'state unknown' };
}
