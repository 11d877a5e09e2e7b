// The horizontal pod autoscaler's flags, as kube-controller-manager names them, shared by
// `k8ts server` and `k8ts controller-manager`. Durations are Go durations (15s, 5m0s).
import type { HorizontalPodAutoscalerOptions } from '../controllers/autoscaling/horizontal-pod-autoscaler.js';
import { durationFlagMs, FlagError, type FlagSpec, type FlagValues } from './flags.js';

export const hpaFlags: Record<string, FlagSpec> = {
  'horizontal-pod-autoscaler-sync-period': { type: 'string', default: '15s', help: 'how often each HorizontalPodAutoscaler is synced (a duration)' },
  'horizontal-pod-autoscaler-tolerance': { type: 'string', default: '0.1', help: 'minimum change (from 1.0) of the desired-to-actual metrics ratio before the autoscaler scales' },
  'horizontal-pod-autoscaler-downscale-stabilization': { type: 'string', default: '5m0s', help: 'how far back the autoscaler looks for higher recommendations before scaling down (a duration; an HPA\'s behavior.scaleDown may set its own)' },
  'horizontal-pod-autoscaler-cpu-initialization-period': { type: 'string', default: '5m0s', help: 'how long after a pod starts its CPU readings are trusted only once it is ready (a duration)' },
  'horizontal-pod-autoscaler-initial-readiness-delay': { type: 'string', default: '30s', help: 'how long after a pod starts an unready pod is taken as never having been ready (a duration)' },
};

/** The autoscaler's settings from the flags, checked. */
export function hpaSettings(flags: FlagValues): HorizontalPodAutoscalerOptions {
  const toleranceText = String(flags['horizontal-pod-autoscaler-tolerance']);
  const tolerance = Number(toleranceText);
  if (toleranceText.trim() === '' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new FlagError(`invalid value "${toleranceText}" for --horizontal-pod-autoscaler-tolerance: must be a non-negative number`);
  }
  const syncPeriodMs = durationFlagMs(flags, 'horizontal-pod-autoscaler-sync-period');
  if (syncPeriodMs <= 0) throw new FlagError(`invalid value "${flags['horizontal-pod-autoscaler-sync-period']}" for --horizontal-pod-autoscaler-sync-period: must be positive`);
  return {
    syncPeriodMs,
    tolerance,
    downscaleStabilizationMs: durationFlagMs(flags, 'horizontal-pod-autoscaler-downscale-stabilization'),
    cpuInitializationPeriodMs: durationFlagMs(flags, 'horizontal-pod-autoscaler-cpu-initialization-period'),
    delayOfInitialReadinessStatusMs: durationFlagMs(flags, 'horizontal-pod-autoscaler-initial-readiness-delay'),
  };
}
