// The horizontal pod autoscaler (upstream pkg/controller/podautoscaler/horizontal.go): every sync
// period, each HPA's target is read through its scale subresource, its metrics turned into a
// replica count (metric-replicas.ts), that count stabilized and rate-limited
// (scale-normalization.ts), written back through the scale subresource when it differs, and the
// HPA's status, conditions and events report what happened in upstream's words.
import { isDeepStrictEqual } from 'node:util';
import { setCondition } from '../../api/conditions.js';
import { defaultHpaMetrics } from '../../api/defaults/autoscaling.js';
import { nowTimestamp } from '../../api/object.js';
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { objectPath, R } from '../../client/resources.js';
import { errorMessage } from '../../util/error-message.js';
import type { Controller, ControllerContext } from '../types.js';
import { replicasForMetrics, type MetricsOutcome } from './metric-replicas.js';
import { apiMetricSource } from './metrics-client.js';
import { DEFAULT_CALCULATOR_OPTIONS, type CalculatorOptions } from './replica-calculator.js';
import {
  newScaleHistory, normalizeWithBehavior, normalizeWithoutBehavior, recordInitialRecommendation, recordScaleEvent, resolveBehavior, type ScaleHistory,
} from './scale-normalization.js';
import { actionOf, type ActionLabel, type ErrorLabel, type HpaMonitor } from './hpa-metrics.js';
import { InvalidTargetRefError, ScaleTargets } from './scale-target.js';
import type { ConditionUpdate, HorizontalPodAutoscaler, MetricSpec, MetricStatus, Pod, Scale } from './types.js';

export interface HorizontalPodAutoscalerOptions extends CalculatorOptions {
  /** How often each HPA is synced (--horizontal-pod-autoscaler-sync-period). */
  syncPeriodMs: number;
  /** Scale-down window of HPAs that set none (--horizontal-pod-autoscaler-downscale-stabilization). */
  downscaleStabilizationMs: number;
  /** Where reconciliations and metric computations are counted (the controller manager's registry). */
  monitor?: HpaMonitor;
}

export const DEFAULT_HPA_OPTIONS: HorizontalPodAutoscalerOptions = {
  ...DEFAULT_CALCULATOR_OPTIONS,
  syncPeriodMs: 15_000,
  downscaleStabilizationMs: 5 * 60_000,
};

/** A sync that could not finish; the HPA's status and events already say why. */
class SyncFailure extends Error {
  /** The HPA's spec is at fault (its metrics say `spec`, not `internal`). */
  constructor(message: string, readonly spec = false) {
    super(message);
  }
}

export function horizontalPodAutoscalerController(opts: HorizontalPodAutoscalerOptions = DEFAULT_HPA_OPTIONS): Controller {
  const histories = new Map<string, ScaleHistory>();
  const lastSync = new Map<string, number>();
  /** Each HPA's last seen target selector, to find pods that two HPAs would both scale. */
  const selectors = new Map<string, LabelSelector>();
  const targets = new ScaleTargets();

  function forget(key: string): void {
    histories.delete(key);
    lastSync.delete(key);
    selectors.delete(key);
  }

  /** Keys of the HPAs (this one included) whose selectors pick any of `pods`. */
  function hpasSelecting(namespace: string, pods: Pod[]): string[] {
    const out = [];
    for (const [key, sel] of selectors) {
      if (!key.startsWith(`${namespace}/`)) continue;
      if (pods.some(p => sel.matches(p.metadata.labels))) out.push(key);
    }
    return out.sort();
  }

  /** `done.action` says what a sync did, even one that then fails. */
  async function sync(key: string, shared: HorizontalPodAutoscaler, ctx: ControllerContext, done: { action: ActionLabel }): Promise<void> {
    const hpa: HorizontalPodAutoscaler = { ...structuredClone(shared), apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' };
    const original = structuredClone(hpa.status);
    hpa.status ??= { desiredReplicas: 0 };
    const namespace = hpa.metadata.namespace ?? '';
    const spec = hpa.spec!;
    const ref = spec.scaleTargetRef;
    const reference = `${ref.kind}/${namespace}/${ref.name}`;
    const history = histories.get(key) ?? newScaleHistory();
    histories.set(key, history);
    const warn = (reason: string, message: string) => ctx.recorder.event(hpa, 'Warning', reason, message);
    const condition = (c: ConditionUpdate) => { hpa.status!.conditions = setCondition(hpa.status!.conditions, c, nowTimestamp()); };
    const writeStatus = async () => {
      if (isDeepStrictEqual(original, hpa.status)) return;
      try {
        await ctx.client.update(objectPath(R.horizontalpodautoscalers, namespace, hpa.metadata.name ?? '', 'status'), hpa);
      } catch (err) {
        warn('FailedUpdateStatus', errorMessage(err));
        throw new SyncFailure(`failed to update status for ${hpa.metadata.name}: ${errorMessage(err)}`);
      }
    };
    /** Records the current replicas and metrics but keeps the last decision (upstream setCurrentReplicasAndMetricsInStatus). */
    const keepDecision = (currentReplicas: number, metrics: MetricStatus[] | undefined) => setStatus(hpa, currentReplicas, hpa.status!.desiredReplicas ?? 0, metrics, false);

    let resource;
    let scale;
    try {
      resource = await targets.resourceOf(ctx.client, ref);
      scale = await targets.get(ctx.client, resource, namespace, ref.name);
    } catch (err) {
      warn('FailedGetScale', errorMessage(err));
      condition({ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${errorMessage(err)}` });
      await writeStatus().catch(e => ctx.log('status update failed', { key, error: errorMessage(e) }));
      throw new SyncFailure(`failed to query scale subresource for ${reference}: ${errorMessage(err)}`, err instanceof InvalidTargetRefError);
    }
    condition({ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale' });
    const currentReplicas = scale.spec?.replicas ?? 0;
    const now = Date.now();
    recordInitialRecommendation(history, currentReplicas, now);

    const minReplicas = spec.minReplicas ?? 1;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] | undefined;
    let partialError: string | undefined;
    if (currentReplicas === 0 && minReplicas !== 0) {
      rescale = false;
      condition({ type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    } else if (currentReplicas > spec.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = spec.maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const outcome = await computeMetrics(key, hpa, scale, ctx, now);
      for (const m of outcome.computations) {
        const action = m.replicas === undefined ? 'none' : actionOf(shared.status?.currentReplicas ?? 0, m.replicas);
        opts.monitor?.metricComputed(action, m.replicas !== undefined ? 'none' : m.specError ? 'spec' : 'internal', m.seconds, m.metricType);
      }
      metricStatuses = outcome.statuses;
      for (const e of outcome.events) warn(e.reason, e.message);
      condition(outcome.condition);
      if (outcome.replicas === -1) {
        keepDecision(currentReplicas, metricStatuses);
        await writeStatus().catch(e => ctx.log('status update failed', { key, error: errorMessage(e) }));
        if (outcome.error) warn('FailedComputeMetricsReplicas', outcome.error);
        throw new SyncFailure(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${outcome.error}`);
      }
      partialError = outcome.error;
      desiredReplicas = Math.max(outcome.replicas, 0);
      if (desiredReplicas > currentReplicas) rescaleReason = `${outcome.metricName} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      const input = { currentReplicas, desiredReplicas, minReplicas, maxReplicas: spec.maxReplicas };
      const normalized = spec.behavior
        ? normalizeWithBehavior(history, input, resolveBehavior(spec.behavior, opts.downscaleStabilizationMs), now)
        : normalizeWithoutBehavior(history, input, opts.downscaleStabilizationMs, now);
      for (const c of normalized.conditions) condition(c);
      desiredReplicas = normalized.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        await targets.update(ctx.client, resource, { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } });
      } catch (err) {
        warn('FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${errorMessage(err)}`);
        condition({ type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message: `the HPA controller was unable to update the target scale: ${errorMessage(err)}` });
        keepDecision(currentReplicas, metricStatuses);
        await writeStatus().catch(e => ctx.log('status update failed', { key, error: errorMessage(e) }));
        throw new SyncFailure(`failed to rescale ${reference}: ${errorMessage(err)}`);
      }
      condition({ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desiredReplicas}` });
      ctx.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      done.action = actionOf(currentReplicas, desiredReplicas);
      if (spec.behavior) recordScaleEvent(history, resolveBehavior(spec.behavior, opts.downscaleStabilizationMs), currentReplicas, desiredReplicas, now);
      ctx.log('rescaled', { hpa: key, currentReplicas, desiredReplicas, reason: rescaleReason });
    } else {
      desiredReplicas = currentReplicas;
    }
    setStatus(hpa, currentReplicas, desiredReplicas, metricStatuses, rescale);
    await writeStatus();
    if (partialError) throw new SyncFailure(partialError);
  }

  /** The target's selector checked (upstream validateAndParseSelector), then every metric's proposal. */
  async function computeMetrics(key: string, hpa: HorizontalPodAutoscaler, scale: Scale, ctx: ControllerContext, now: number): Promise<MetricsOutcome> {
    const selectorText = scale.status?.selector ?? '';
    const failed = (reason: string, message: string, event: { reason: string; message: string }): MetricsOutcome => ({
      replicas: -1, metricName: '', statuses: [], events: [event], error: event.message, computations: [],
      condition: { type: 'ScalingActive', status: 'False', reason, message },
    });
    if (!selectorText) {
      return failed('InvalidSelector', 'the HPA target\'s scale is missing a selector', { reason: 'SelectorRequired', message: 'selector is required' });
    }
    let selector: LabelSelector;
    try {
      selector = LabelSelector.parse(selectorText);
    } catch (err) {
      const message = `couldn't convert selector into a corresponding internal selector object: ${errorMessage(err)}`;
      return failed('InvalidSelector', message, { reason: 'InvalidSelector', message });
    }
    selectors.set(key, selector);
    const namespace = hpa.metadata.namespace ?? '';
    const podInformer = ctx.informer<Pod>(R.pods);
    await podInformer.waitForSync();
    const pods = podInformer.list().filter(p => p.metadata.namespace === namespace && selector.matches(p.metadata.labels));
    const selecting = hpasSelecting(namespace, pods);
    if (selecting.length > 1) {
      const message = `pods by selector ${selectorText} are controlled by multiple HPAs: [${selecting.join(' ')}]`;
      return failed('AmbiguousSelector', message, { reason: 'AmbiguousSelector', message });
    }
    const source = apiMetricSource(ctx.client, targets, namespace, selectorText);
    // An autoscaling/v1 HPA without targetCPUUtilizationPercentage is stored without metrics; it
    // scales on the default v2 readers are given.
    const metrics = hpa.spec?.metrics?.length ? hpa.spec.metrics : defaultHpaMetrics() as MetricSpec[];
    return replicasForMetrics({ specReplicas: scale.spec?.replicas ?? 0, statusReplicas: scale.status?.replicas ?? 0, namespace, pods, source, opts, now }, metrics);
  }

  return {
    name: 'horizontalpodautoscaling',
    eventSource: 'horizontal-pod-autoscaler',
    watches: [{ resource: R.horizontalpodautoscalers }],
    async reconcile(key, ctx) {
      const shared = ctx.informer<HorizontalPodAutoscaler>(R.horizontalpodautoscalers).get(key);
      if (!shared) return forget(key);
      // Each HPA is synced once per period, however often it changes (its own status writes
      // included), as upstream's fixed-interval queue does.
      const now = Date.now();
      const last = lastSync.get(key);
      if (last !== undefined && now - last < opts.syncPeriodMs) return ctx.requeueAfter(key, last + opts.syncPeriodMs - now);
      lastSync.set(key, now);
      ctx.requeueAfter(key, opts.syncPeriodMs);
      const started = performance.now();
      const done = { action: 'none' as ActionLabel };
      let error: ErrorLabel = 'none';
      try {
        await sync(key, shared, ctx, done);
      } catch (err) {
        error = err instanceof SyncFailure && err.spec ? 'spec' : 'internal';
        throw err;
      } finally {
        opts.monitor?.reconciled(done.action, error, (performance.now() - started) / 1000);
      }
    },
  };
}

/** Rebuilds the status as upstream's setStatus: replicas, metrics, and the scale time on a rescale. */
function setStatus(hpa: HorizontalPodAutoscaler, currentReplicas: number, desiredReplicas: number, metrics: MetricStatus[] | undefined, rescale: boolean): void {
  const prior: Partial<NonNullable<HorizontalPodAutoscaler['status']>> = hpa.status ?? {};
  const lastScaleTime = rescale ? nowTimestamp() : prior.lastScaleTime;
  hpa.status = {
    ...(currentReplicas ? { currentReplicas } : {}),
    desiredReplicas,
    ...(lastScaleTime ? { lastScaleTime } : {}),
    ...(metrics?.length ? { currentMetrics: metrics } : {}),
    ...(prior.conditions ? { conditions: prior.conditions } : {}),
  };
}
