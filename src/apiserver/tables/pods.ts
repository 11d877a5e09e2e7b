// Pods: READY, STATUS (upstream's reason logic), RESTARTS with the last restart's age, and the
// wide IP / NODE / NOMINATED NODE / READINESS GATES columns.
import { since } from './format.js';
import { col, type Printer } from './types.js';

type Obj = Record<string, any>;

function isRestartableInit(spec: Obj, name: string): boolean {
  return (spec.initContainers ?? []).some((c: Obj) => c.name === name && c.restartPolicy === 'Always');
}

function lastFinished(status: Obj): number {
  const t = status.lastState?.terminated?.finishedAt;
  return t ? Date.parse(t) : 0;
}

export function podStatusReason(pod: Obj): { reason: string; ready: number; total: number; restarts: number; lastRestart: number } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let sidecarLastRestart = 0;
  let ready = 0;
  const total = (spec.containers ?? []).length + (spec.initContainers ?? []).filter((c: Obj) => c.restartPolicy === 'Always').length;
  let reason: string = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c: Obj) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const inits: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, lastFinished(c));
    const sidecar = isRestartableInit(spec, c.name);
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      sidecarLastRestart = Math.max(sidecarLastRestart, lastFinished(c));
      if (c.started) {
        if (c.ready) ready++;
        continue;
      }
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).some((c: Obj) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const cs: Obj[] = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, lastFinished(c));
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp) reason = 'Terminating';
  return { reason, ready, total, restarts, lastRestart };
}

export const podPrinter: Printer = {
  columns: [
    col('Name'),
    col('Ready', { description: 'The aggregate readiness state of this pod for accepting traffic.' }),
    col('Status', { description: 'The aggregate status of the containers in this pod.' }),
    col('Restarts', { description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.' }),
    col('Age'),
    col('IP', { wide: true, description: 'IP address allocated to the pod.' }),
    col('Node', { wide: true, description: 'Name of the node where the pod is scheduled.' }),
    col('Nominated Node', { wide: true, description: 'Name of the node where the pod is nominated for scheduling.' }),
    col('Readiness Gates', { wide: true, description: 'Readiness gates of the pod.' }),
  ],
  cells(pod, now) {
    const s = podStatusReason(pod);
    const restarts = s.restarts && s.lastRestart ? `${s.restarts} (${since(new Date(s.lastRestart).toISOString(), now)} ago)` : String(s.restarts);
    const gates: Obj[] = pod.spec?.readinessGates ?? [];
    const gateCell = gates.length
      ? `${gates.filter(g => (pod.status?.conditions ?? []).some((c: Obj) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`
      : '<none>';
    return [
      pod.metadata.name, `${s.ready}/${s.total}`, s.reason, restarts, since(pod.metadata.creationTimestamp, now),
      pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', gateCell,
    ];
  },
};
