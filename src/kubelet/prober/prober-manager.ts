// One probe worker per (running container, probe kind), as upstream's prober manager: the first
// probe after initialDelaySeconds, then every periodSeconds; a result changes only after
// successThreshold successes or failureThreshold failures in a row. Liveness and readiness wait
// for the startup probe. A liveness or startup failure holds until the container is replaced.
// Readiness starts false, liveness true, startup false until it first succeeds.
import type { Container, Probe } from '../../api/types/generated.js';
import type { RuntimeClient } from '../cri/client.js';
import type { PodObject } from '../types.js';
import { execAction, grpcAction, httpGetAction, tcpSocketAction, type ProbeOutcome, type Target } from './handlers.js';
import { errorMessage } from '../../util/error-message.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeEvents {
  /** A probe run failed (each failure, for the Unhealthy event). */
  failed(pod: PodObject, kind: ProbeKind, output: string): void;
  /** A result flipped: the pod must be synced. */
  changed(podUid: string): void;
}

export interface RunningContainer {
  pod: PodObject;
  container: Container;
  id: string;
  startedAt: number;
  podIP: string;
}

interface Worker {
  key: string;
  podUid: string;
  kind: ProbeKind;
  probe: Probe;
  target: RunningContainer;
  result: boolean;
  run: number;
  lastOk?: boolean;
  onHold: boolean;
  timer?: NodeJS.Timeout;
  busy: boolean;
}

const KIND_TEXT: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
export const probeKindText = (k: ProbeKind) => KIND_TEXT[k];

export function runProbe(probe: Probe, target: Target): Promise<ProbeOutcome> {
  if (probe.exec) return execAction(probe.exec, target);
  if (probe.httpGet) return httpGetAction(probe.httpGet, target);
  if (probe.tcpSocket) return tcpSocketAction(probe.tcpSocket, target);
  if (probe.grpc) return grpcAction(probe.grpc, target);
  return Promise.resolve({ ok: true, output: '' });
}

export class ProberManager {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;

  constructor(private readonly runtime: RuntimeClient, private readonly events: ProbeEvents) {}

  /** Makes the workers match the pod's running containers (by id); others stop. */
  syncPod(podUid: string, running: RunningContainer[]): void {
    if (this.stopped) return;
    const want = new Set<string>();
    for (const rc of running) {
      for (const kind of ['startup', 'liveness', 'readiness'] as ProbeKind[]) {
        const probe = kind === 'startup' ? rc.container.startupProbe : kind === 'liveness' ? rc.container.livenessProbe : rc.container.readinessProbe;
        if (!probe) continue;
        const key = `${rc.id}/${kind}`;
        want.add(key);
        const existing = this.workers.get(key);
        if (existing) {
          existing.target = rc;
          continue;
        }
        const w: Worker = { key, podUid, kind, probe, target: rc, result: kind === 'liveness', run: 0, onHold: false, busy: false };
        this.workers.set(key, w);
        const delay = Math.max(0, rc.startedAt + (probe.initialDelaySeconds ?? 0) * 1000 - Date.now());
        this.schedule(w, delay);
      }
    }
    for (const [key, w] of this.workers) if (w.podUid === podUid && !want.has(key)) this.drop(w);
  }

  removePod(podUid: string): void {
    for (const w of this.workers.values()) if (w.podUid === podUid) this.drop(w);
  }

  /** Ready: no readiness probe, or it has succeeded (and startup has). */
  ready(c: Container, id: string): boolean {
    if (!this.started(c, id)) return false;
    if (!c.readinessProbe) return true;
    return this.workers.get(`${id}/readiness`)?.result ?? false;
  }

  started(c: Container, id: string): boolean {
    if (!c.startupProbe) return true;
    return this.workers.get(`${id}/startup`)?.result ?? false;
  }

  /** The liveness or startup probe failed past its threshold: the container must be restarted. */
  failure(id: string): ProbeKind | undefined {
    const l = this.workers.get(`${id}/liveness`);
    if (l && l.onHold && !l.result) return 'liveness';
    const s = this.workers.get(`${id}/startup`);
    if (s && s.onHold && !s.result) return 'startup';
    return undefined;
  }

  stop(): void {
    this.stopped = true;
    for (const w of [...this.workers.values()]) this.drop(w);
  }

  private drop(w: Worker): void {
    clearTimeout(w.timer);
    this.workers.delete(w.key);
  }

  private schedule(w: Worker, delayMs: number): void {
    w.timer = setTimeout(() => void this.tick(w), delayMs);
    w.timer.unref();
  }

  private async tick(w: Worker): Promise<void> {
    if (this.workers.get(w.key) !== w) return;
    const period = (w.probe.periodSeconds ?? 10) * 1000;
    try {
      if (!w.onHold && !w.busy && this.gateOpen(w)) await this.probeOnce(w);
    } finally {
      if (this.workers.get(w.key) === w) this.schedule(w, period);
    }
  }

  // Liveness and readiness begin only after the startup probe has succeeded; startup stops then.
  private gateOpen(w: Worker): boolean {
    const c = w.target.container;
    if (w.kind === 'startup') return !w.result;
    return this.started(c, w.target.id);
  }

  private async probeOnce(w: Worker): Promise<void> {
    w.busy = true;
    let outcome: ProbeOutcome;
    try {
      outcome = await runProbe(w.probe, {
        podIP: w.target.podIP, containerId: w.target.id, container: w.target.container, runtime: this.runtime,
        timeoutSeconds: w.probe.timeoutSeconds ?? 1,
      });
    } catch (err) {
      outcome = { ok: false, output: errorMessage(err) };
    } finally {
      w.busy = false;
    }
    if (this.workers.get(w.key) !== w) return;
    if (!outcome.ok) this.events.failed(w.target.pod, w.kind, outcome.output.trimEnd());
    w.run = w.lastOk === outcome.ok ? w.run + 1 : 1;
    w.lastOk = outcome.ok;
    const threshold = outcome.ok ? (w.probe.successThreshold ?? 1) : (w.probe.failureThreshold ?? 3);
    if (w.run < threshold || w.result === outcome.ok) return;
    w.result = outcome.ok;
    if (!outcome.ok && (w.kind === 'liveness' || w.kind === 'startup')) w.onHold = true;
    this.events.changed(w.podUid);
  }
}
