import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  newScaleHistory, normalizeWithBehavior, normalizeWithoutBehavior, recordInitialRecommendation, recordScaleEvent, resolveBehavior,
  scaleDownLimit, scaleUpLimit, type ResolvedRules, type ScaleHistory,
} from './scale-normalization.js';

const T0 = 1_000_000_000;
const S = 1000;
const WINDOW = 300 * S;

const reasons = (r: { conditions: { type: string; status: string; reason?: string }[] }) => r.conditions.map(c => `${c.type}=${c.status}/${c.reason}`);

describe('without behavior', () => {
  test('scale-up is limited to double the current count (at least 4)', () => {
    const r = normalizeWithoutBehavior(newScaleHistory(), { currentReplicas: 1, desiredReplicas: 10, minReplicas: 1, maxReplicas: 20 }, WINDOW, T0);
    assert.equal(r.replicas, 4);
    assert.deepEqual(reasons(r), ['AbleToScale=True/ReadyForNewScale', 'ScalingLimited=True/ScaleUpLimit']);
    assert.equal(r.conditions[1].message, 'the desired replica count is increasing faster than the maximum scale rate');
    const r2 = normalizeWithoutBehavior(newScaleHistory(), { currentReplicas: 5, desiredReplicas: 12, minReplicas: 1, maxReplicas: 20 }, WINDOW, T0);
    assert.equal(r2.replicas, 10);
  });

  test('maxReplicas and minReplicas bound the count', () => {
    const over = normalizeWithoutBehavior(newScaleHistory(), { currentReplicas: 10, desiredReplicas: 30, minReplicas: 1, maxReplicas: 15 }, WINDOW, T0);
    assert.equal(over.replicas, 15);
    assert.deepEqual(reasons(over), ['AbleToScale=True/ReadyForNewScale', 'ScalingLimited=True/TooManyReplicas']);
    assert.equal(over.conditions[1].message, 'the desired replica count is more than the maximum replica count');
    const under = normalizeWithoutBehavior(newScaleHistory(), { currentReplicas: 3, desiredReplicas: 1, minReplicas: 2, maxReplicas: 15 }, 0, T0);
    assert.equal(under.replicas, 2);
    assert.deepEqual(reasons(under), ['AbleToScale=True/ReadyForNewScale', 'ScalingLimited=True/TooFewReplicas']);
    const within = normalizeWithoutBehavior(newScaleHistory(), { currentReplicas: 3, desiredReplicas: 5, minReplicas: 2, maxReplicas: 15 }, 0, T0);
    assert.deepEqual([within.replicas, within.conditions[1].reason, within.conditions[1].message], [5, 'DesiredWithinRange', 'the desired count is within the acceptable range']);
    assert.equal(within.conditions[1].status, 'False');
  });

  test('scale-down waits for the highest recommendation of the window', () => {
    const h = newScaleHistory();
    recordInitialRecommendation(h, 5, T0);
    recordInitialRecommendation(h, 9, T0); // only the first one counts
    const input = { currentReplicas: 5, desiredReplicas: 2, minReplicas: 1, maxReplicas: 10 };
    const held = normalizeWithoutBehavior(h, input, WINDOW, T0 + 60 * S);
    assert.equal(held.replicas, 5);
    assert.deepEqual(reasons(held), ['AbleToScale=True/ScaleDownStabilized', 'ScalingLimited=False/DesiredWithinRange']);
    assert.equal(held.conditions[0].message, 'recent recommendations were higher than current one, applying the highest recent recommendation');
    // Once the 5 leaves the window, the 2s recorded since decide; the old slot is reused.
    const down = normalizeWithoutBehavior(h, input, WINDOW, T0 + 301 * S);
    assert.equal(down.replicas, 2);
    assert.equal(h.recommendations.length, 2);
  });
});

const rules = (o: Partial<ResolvedRules> = {}): ResolvedRules => ({ stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [], ...o });
// The API server's defaults for a given behavior (pkg/apis/autoscaling/v2 defaults).
const defaultUp = () => rules({ policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] });
const defaultDown = (window = 300) => rules({ stabilizationWindowSeconds: window, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });

describe('with behavior', () => {
  test('the scale-up policies limit growth per period, counting the period\'s earlier scale-ups', () => {
    const h = newScaleHistory();
    const b = { scaleUp: defaultUp(), scaleDown: defaultDown() };
    const first = normalizeWithBehavior(h, { currentReplicas: 1, desiredReplicas: 10, minReplicas: 1, maxReplicas: 20 }, b, T0);
    // max(1 + 4 pods, 1 × 200 %) = 5
    assert.equal(first.replicas, 5);
    assert.deepEqual(reasons(first), ['AbleToScale=True/ReadyForNewScale', 'ScalingLimited=True/ScaleUpLimit']);
    recordScaleEvent(h, b, 1, 5, T0);
    // Within the 15 s period the period started at 1: no more growth yet.
    assert.equal(normalizeWithBehavior(h, { currentReplicas: 5, desiredReplicas: 10, minReplicas: 1, maxReplicas: 20 }, b, T0 + 10 * S).replicas, 5);
    // After it, from 5: max(9, 10) = 10.
    assert.equal(normalizeWithBehavior(h, { currentReplicas: 5, desiredReplicas: 10, minReplicas: 1, maxReplicas: 20 }, b, T0 + 16 * S).replicas, 10);
  });

  test('selectPolicy Min takes the smallest change, Disabled none', () => {
    const h = newScaleHistory();
    assert.equal(scaleUpLimit(1, h, rules({ ...defaultUp(), selectPolicy: 'Min' }), T0), 2);
    assert.equal(scaleUpLimit(10, h, rules({ ...defaultUp(), selectPolicy: 'Min' }), T0), 14);
    assert.equal(scaleUpLimit(10, h, rules({ ...defaultUp(), selectPolicy: 'Disabled' }), T0), 10);
    const down = [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }];
    assert.equal(scaleDownLimit(5, h, rules({ policies: down }), T0), 2); // Max change: 5 × 50 % rounded down
    assert.equal(scaleDownLimit(5, h, rules({ policies: down, selectPolicy: 'Min' }), T0), 4);
    assert.equal(scaleDownLimit(5, h, rules({ policies: down, selectPolicy: 'Disabled' }), T0), 5);
    const disabled = normalizeWithBehavior(h, { currentReplicas: 3, desiredReplicas: 8, minReplicas: 1, maxReplicas: 10 },
      { scaleUp: rules({ selectPolicy: 'Disabled' }), scaleDown: defaultDown() }, T0);
    assert.deepEqual([disabled.replicas, disabled.conditions[1].reason], [3, 'ScaleUpLimit']);
  });

  test('the scale-down policies count the period\'s earlier scale-downs', () => {
    const h = newScaleHistory();
    const b = { scaleUp: defaultUp(), scaleDown: rules({ policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] }) };
    const r = normalizeWithBehavior(h, { currentReplicas: 8, desiredReplicas: 1, minReplicas: 1, maxReplicas: 10 }, b, T0);
    assert.deepEqual([r.replicas, ...reasons(r)], [6, 'AbleToScale=True/ReadyForNewScale', 'ScalingLimited=True/ScaleDownLimit']);
    assert.equal(r.conditions[1].message, 'the desired replica count is decreasing faster than the maximum scale rate');
    recordScaleEvent(h, b, 8, 6, T0);
    assert.equal(normalizeWithBehavior(h, { currentReplicas: 6, desiredReplicas: 1, minReplicas: 1, maxReplicas: 10 }, b, T0 + 30 * S).replicas, 6);
    assert.equal(normalizeWithBehavior(h, { currentReplicas: 6, desiredReplicas: 1, minReplicas: 1, maxReplicas: 10 }, b, T0 + 61 * S).replicas, 4);
    // minReplicas wins over a policy that would allow less.
    const floor = normalizeWithBehavior(newScaleHistory(), { currentReplicas: 8, desiredReplicas: 1, minReplicas: 7, maxReplicas: 10 }, b, T0);
    assert.deepEqual([floor.replicas, floor.conditions[1].reason], [7, 'TooFewReplicas']);
  });

  test('stabilization windows hold the count within recent recommendations in both directions', () => {
    const b = { scaleUp: rules({ ...defaultUp(), stabilizationWindowSeconds: 60 }), scaleDown: defaultDown(60) };
    const h: ScaleHistory = newScaleHistory();
    recordInitialRecommendation(h, 2, T0);
    const up = normalizeWithBehavior(h, { currentReplicas: 2, desiredReplicas: 6, minReplicas: 1, maxReplicas: 10 }, b, T0 + 30 * S);
    assert.deepEqual([up.replicas, up.conditions[0].reason, up.conditions[0].message],
      [2, 'ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation']);
    // 61 s on, only the 6 is in the scale-up window.
    assert.equal(normalizeWithBehavior(h, { currentReplicas: 2, desiredReplicas: 6, minReplicas: 1, maxReplicas: 10 }, b, T0 + 61 * S).replicas, 6);
    const down = normalizeWithBehavior(h, { currentReplicas: 6, desiredReplicas: 1, minReplicas: 1, maxReplicas: 10 }, b, T0 + 62 * S);
    assert.deepEqual([down.replicas, down.conditions[0].reason], [6, 'ScaleDownStabilized']);
    assert.equal(normalizeWithBehavior(h, { currentReplicas: 6, desiredReplicas: 1, minReplicas: 1, maxReplicas: 10 }, b, T0 + 125 * S).replicas, 1);
  });

  test('a scale-down window left unset is the controller\'s; policies and select defaults otherwise come from the API', () => {
    const r = resolveBehavior({ scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 10 }], selectPolicy: 'Min', stabilizationWindowSeconds: 5 }, scaleDown: {} }, 120_000);
    assert.deepEqual(r, {
      scaleUp: { stabilizationWindowSeconds: 5, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 10 }] },
      scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [] },
    });
  });

  test('scale events older than the longest period give their slot to new ones', () => {
    const h = newScaleHistory();
    const b = { scaleUp: defaultUp(), scaleDown: defaultDown() };
    recordScaleEvent(h, b, 1, 3, T0);
    recordScaleEvent(h, b, 3, 5, T0 + 5 * S);
    recordScaleEvent(h, b, 5, 6, T0 + 20 * S);
    assert.deepEqual(h.scaleUpEvents.map(e => [e.change, e.at - T0]), [[1, 20 * S], [2, 5 * S]]);
    recordScaleEvent(h, b, 6, 2, T0 + 21 * S);
    assert.deepEqual(h.scaleDownEvents.map(e => e.change), [4]);
  });
});
