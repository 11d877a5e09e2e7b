import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags } from './flags.js';
import { hpaFlags, hpaSettings } from './hpa-flags.js';

const settings = (args: string[]) => hpaSettings(parseFlags(args, hpaFlags).flags);

test('the autoscaler flags default to kube-controller-manager\'s', () => {
  assert.deepEqual(settings([]), {
    syncPeriodMs: 15_000, tolerance: 0.1, downscaleStabilizationMs: 300_000, cpuInitializationPeriodMs: 300_000, delayOfInitialReadinessStatusMs: 30_000,
  });
});

test('durations are Go durations; bad values are refused with the flag named', () => {
  const s = settings(['--horizontal-pod-autoscaler-sync-period=1.5s', '--horizontal-pod-autoscaler-downscale-stabilization', '1m30s', '--horizontal-pod-autoscaler-tolerance=0.05']);
  assert.deepEqual([s.syncPeriodMs, s.downscaleStabilizationMs, s.tolerance], [1500, 90_000, 0.05]);
  assert.throws(() => settings(['--horizontal-pod-autoscaler-sync-period=15']), /invalid value "15" for --horizontal-pod-autoscaler-sync-period: time: missing unit in duration "15"/);
  assert.throws(() => settings(['--horizontal-pod-autoscaler-sync-period=0s']), /--horizontal-pod-autoscaler-sync-period: must be positive/);
  assert.throws(() => settings(['--horizontal-pod-autoscaler-initial-readiness-delay=-1s']), /must not be negative/);
  assert.throws(() => settings(['--horizontal-pod-autoscaler-tolerance=much']), /--horizontal-pod-autoscaler-tolerance: must be a non-negative number/);
});
