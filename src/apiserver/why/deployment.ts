// Why a Deployment is as it is: its rollout numbers and conditions (Progressing/Available with
// reasons such as ProgressDeadlineExceeded), its ReplicaSets old and new with their failures to
// create pods, and each pod that is not ready with the reason.
import type { KubeObject } from '../../api/object.js';
import { isPodReady } from '../../api/pod-state.js';
import type { Deployment, Pod, ReplicaSet } from '../../api/types/generated.js';
import type { Explanation, Finding } from '../../api/why.js';
import { conditionsSection, eventFinding, eventsSection, explanation, named, type Event } from './common.js';
import { podVerdict } from './pod.js';

const REVISION = 'deployment.kubernetes.io/revision';

export interface DeploymentContext {
  /** The ReplicaSets the Deployment controls. */
  replicaSets: ReplicaSet[];
  /** The pods those ReplicaSets control. */
  pods: Pod[];
  /** The events of any object, by uid. */
  eventsOf(uid: string | undefined): Event[];
}

export function explainDeployment(d: Deployment, ctx: DeploymentContext): Explanation {
  const events = ctx.eventsOf(d.metadata?.uid);
  const revision = d.metadata?.annotations?.[REVISION];
  const replicaSets = [...ctx.replicaSets].sort((a, b) => Number(b.metadata?.annotations?.[REVISION] ?? 0) - Number(a.metadata?.annotations?.[REVISION] ?? 0));
  const rsFindings: Finding[] = [];
  for (const rs of replicaSets) {
    const isNew = revision !== undefined && rs.metadata?.annotations?.[REVISION] === revision;
    const s = rs.status;
    rsFindings.push({
      severity: isNew && (s?.readyReplicas ?? 0) < (rs.spec?.replicas ?? 0) ? 'warning' : 'info',
      subject: named('ReplicaSet', rs.metadata?.name),
      text: `${isNew ? 'new' : 'old'}: ${rs.spec?.replicas ?? 0} desired, ${s?.replicas ?? 0} current, ${s?.readyReplicas ?? 0} ready`,
      detail: `revision ${rs.metadata?.annotations?.[REVISION] ?? 'unknown'}`,
    });
    for (const e of ctx.eventsOf(rs.metadata?.uid)) if (e.type === 'Warning') rsFindings.push({ ...eventFinding(e), severity: 'error', subject: `${named('ReplicaSet', rs.metadata?.name)} ${e.reason}` });
  }
  const notReady: Finding[] = ctx.pods.filter(p => !isPodReady(p)).map(p => {
    const v = podVerdict(p, ctx.eventsOf(p.metadata?.uid));
    return { severity: v.severity === 'ok' ? 'info' : v.severity, subject: named('Pod', p.metadata?.name), text: v.text };
  });
  return explanation(d as KubeObject, deploymentSummary(d), [
    { title: 'Rollout', findings: rolloutFindings(d) },
    conditionsSection(d.status?.conditions),
    { title: 'ReplicaSets', findings: rsFindings },
    { title: 'Pods not ready', findings: notReady },
    eventsSection(events),
  ]);
}

function rolloutFindings(d: Deployment): Finding[] {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const count = (n: number | undefined, what: string): Finding => ({ severity: (n ?? 0) < want ? 'warning' : 'ok', subject: what, text: `${n ?? 0} of ${want}` });
  const findings: Finding[] = [count(s.updatedReplicas, 'updated'), count(s.readyReplicas, 'ready'), count(s.availableReplicas, 'available')];
  if (d.spec?.paused) findings.unshift({ severity: 'warning', subject: 'spec.paused', text: 'the rollout is paused: the controller makes no progress until it is resumed' });
  if ((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) findings.push({ severity: 'info', subject: 'status', text: 'the controller has not observed the latest spec yet' });
  return findings;
}

/** One line: stuck (and why), paused, rolling out, or available. */
function deploymentSummary(d: Deployment): string {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const progressing = s.conditions?.find(c => c.type === 'Progressing');
  const counts = `${s.updatedReplicas ?? 0} of ${want} updated, ${s.availableReplicas ?? 0} available`;
  if (progressing?.status === 'False') return `Rollout stuck: ${progressing.reason ?? 'not progressing'}${progressing.message ? `: ${progressing.message}` : ''} (${counts})`;
  const failure = s.conditions?.find(c => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure) return `Cannot create pods: ${failure.message ?? failure.reason ?? ''} (${counts})`;
  if (d.spec?.paused) return `Paused (${counts})`;
  if ((s.updatedReplicas ?? 0) < want || (s.availableReplicas ?? 0) < want || (s.replicas ?? 0) > want) return `Rolling out: ${counts}`;
  return `Available: ${s.availableReplicas ?? 0} of ${want} replicas available`;
}
