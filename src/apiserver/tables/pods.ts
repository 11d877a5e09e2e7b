// Pods: READY x/y, STATUS by upstream's reason logic (init progress, container waiting and
// terminated reasons, Terminating, NotReady), RESTARTS with the last restart's age, and the wide
// IP / NODE / NOMINATED NODE / READINESS GATES columns. Also PodTemplates.
import { ageCol, col, nameCol } from './columns.js';
import { humanDuration, parseTime, since } from './duration.js';
import { conditionTrue, containerCells, formatLabels } from './format.js';
import type { Obj, Printer, TableRowCondition } from './types.js';

/** What the STATUS, READY and RESTARTS columns are computed from. */
export interface PodSummary {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  /** When a container last terminated before a restart, ms since epoch; 0 if never. */
  lastRestart: number;
}

/** Sidecars are init containers with restartPolicy Always: they keep running and count as containers. */
function isSidecar(spec: Obj, name: string): boolean {
  return (spec.initContainers ?? []).some((c: Obj) => c.name === name && c.restartPolicy === 'Always');
}

const finishedAt = (status: Obj): number => parseTime(status.lastState?.terminated?.finishedAt) ?? 0;

/** The init-container phase sets the reason while a pod initialises; Init:<n>/<m> shows progress. */
function initReason(t: Obj | undefined, w: Obj | undefined, index: number, count: number): string {
  if (t) {
    if (t.reason) return `Init:${t.reason}`;
    return t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? 0}`;
  }
  if (w?.reason && w.reason !== 'PodInitializing') return `Init:${w.reason}`;
  return `Init:${index}/${count}`;
}

export function summarizePod(pod: Obj): PodSummary {
  const spec: Obj = pod.spec ?? {};
  const status: Obj = pod.status ?? {};
  const conditions: Obj[] = status.conditions ?? [];
  const initSpecs: Obj[] = spec.initContainers ?? [];

  const total = (spec.containers ?? []).length + initSpecs.filter(c => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;
  let reason: string = status.reason || status.phase || '';
  if (conditions.some(c => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const sidecar = isSidecar(spec, c.name);
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      sidecarLastRestart = Math.max(sidecarLastRestart, finishedAt(c));
    }
    const t = c.state?.terminated;
    if (t && (t.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    reason = initReason(t, c.state?.waiting, i, initSpecs.length);
    initializing = true;
    break;
  }

  // Once initialised, only the sidecars' restarts carry over; regular init restarts are history.
  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses: Obj[] = status.containerStatuses ?? [];
    // Walk backwards so the first container's reason wins, as upstream does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed while another still runs is not "Completed".
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some(c => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  return { reason, ready, total, restarts, lastRestart };
}

function restartsCell(s: PodSummary, now: Date): string {
  if (s.restarts === 0 || s.lastRestart === 0) return String(s.restarts);
  return `${s.restarts} (${humanDuration(now.getTime() - s.lastRestart)} ago)`;
}

function readinessGates(pod: Obj): string {
  const gates: Obj[] = pod.spec?.readinessGates ?? [];
  if (!gates.length) return '<none>';
  const conditions: Obj[] = pod.status?.conditions ?? [];
  const passed = gates.filter(g => conditions.find(c => c.type === g.conditionType)?.status === 'True').length;
  return `${passed}/${gates.length}`;
}

export const podPrinter: Printer = {
  columns: [
    nameCol(),
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol(),
    col('IP', 'IP address allocated to the pod. Routable at least within the cluster.', { wide: true }),
    col('Node', 'NodeName indicates in which node this pod is scheduled.', { wide: true }),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', { wide: true }),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', { wide: true }),
  ],
  cells(pod, now) {
    const s = summarizePod(pod);
    return [
      pod.metadata?.name ?? '', `${s.ready}/${s.total}`, s.reason, restartsCell(s, now), since(pod.metadata?.creationTimestamp, now),
      pod.status?.podIPs?.[0]?.ip || '<none>', pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readinessGates(pod),
    ];
  },
  // Finished pods are marked so clients can de-emphasise them.
  conditions(pod): TableRowCondition[] | undefined {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};

export const podTemplatePrinter: Printer = {
  columns: [
    nameCol(),
    col('Containers', 'Names of each container in the template.'),
    col('Images', 'Images referenced by each container in the template.'),
    col('Pod Labels', 'The labels for the pod template.'),
  ],
  cells(o) {
    const [names, images] = containerCells(o.template?.spec);
    return [o.metadata?.name ?? '', names, images, formatLabels(o.template?.metadata?.labels)];
  },
};
