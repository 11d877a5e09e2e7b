// From the count the metrics ask for to the count the autoscaler sets (upstream horizontal.go's
// normalizeDesiredReplicas*): stabilization over recent recommendations, then either the old fixed
// limits (no `behavior`: at most double, at least 4, per sync) or the behavior's scaling policies
// over their periods, then minReplicas/maxReplicas. Pure apart from the per-HPA history it is
// handed, which it updates; the conditions it decides on are returned for the caller to set.
import type { ConditionUpdate, HPAScalingRules, HorizontalPodAutoscalerBehavior } from './types.js';

export interface Recommendation {
  replicas: number;
  at: number;
}

export interface ScaleEvent {
  /** Pods added (scale-up) or removed (scale-down), never negative. */
  change: number;
  at: number;
  /** Older than the longest policy period: its slot may be reused. */
  outdated: boolean;
}

/** What the autoscaler remembers of one HPA between syncs. */
export interface ScaleHistory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export const newScaleHistory = (): ScaleHistory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

export interface NormalizeInput {
  currentReplicas: number;
  /** What the metrics ask for. */
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
}

export interface Normalized {
  replicas: number;
  /** AbleToScale then ScalingLimited, in the order upstream sets them. */
  conditions: ConditionUpdate[];
}

const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

const ableToScale = (reason: string, message: string): ConditionUpdate => ({ type: 'AbleToScale', status: 'True', reason, message });
const scalingLimited = (limited: boolean, reason: string, message: string): ConditionUpdate => ({ type: 'ScalingLimited', status: limited ? 'True' : 'False', reason, message });

const READY = ableToScale('ReadyForNewScale', 'recommended size matches current size');
const DOWN_STABILIZED = ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'] as const;
const UP_STABILIZED = ['ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation'] as const;
const WITHIN_RANGE = ['DesiredWithinRange', 'the desired count is within the acceptable range'] as const;
const TOO_MANY = ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'] as const;
const TOO_FEW = ['TooFewReplicas', 'the desired replica count is less than the minimum replica count'] as const;
const UP_LIMIT = ['ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'] as const;
const DOWN_LIMIT = ['ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate'] as const;

/** The first recommendation of an HPA is its target's current count. */
export function recordInitialRecommendation(history: ScaleHistory, currentReplicas: number, now: number): void {
  if (!history.recommendations.length) history.recommendations.push({ replicas: currentReplicas, at: now });
}

/** Stores `replicas` in the slot of a recommendation older than every window, or appends it. */
function record(history: ScaleHistory, replicas: number, isOld: (r: Recommendation) => boolean, now: number): void {
  let old = -1;
  history.recommendations.forEach((r, i) => { if (isOld(r)) old = i; });
  const entry = { replicas, at: now };
  if (old >= 0) history.recommendations[old] = entry; else history.recommendations.push(entry);
}

/** Without `behavior`: the highest recommendation of the downscale window, then the fixed limits. */
export function normalizeWithoutBehavior(history: ScaleHistory, input: NormalizeInput, downscaleWindowMs: number, now: number): Normalized {
  const cutoff = now - downscaleWindowMs;
  let stabilized = input.desiredReplicas;
  for (const r of history.recommendations) if (r.at >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
  record(history, input.desiredReplicas, r => r.at < cutoff, now);
  const able = stabilized !== input.desiredReplicas ? ableToScale(...DOWN_STABILIZED) : READY;

  const scaleUpLimit = Math.floor(Math.max(SCALE_UP_LIMIT_FACTOR * input.currentReplicas, SCALE_UP_LIMIT_MINIMUM));
  const [maximum, overMax] = input.maxReplicas > scaleUpLimit ? [scaleUpLimit, UP_LIMIT] : [input.maxReplicas, TOO_MANY];
  let replicas = stabilized;
  let reason: readonly [string, string] = WITHIN_RANGE;
  if (stabilized < input.minReplicas) [replicas, reason] = [input.minReplicas, TOO_FEW];
  else if (stabilized > maximum) [replicas, reason] = [maximum, overMax];
  return { replicas, conditions: [able, scalingLimited(replicas !== stabilized, ...reason)] };
}

/** The behavior's rules with the controller's defaults for what the API left unset. */
export interface ResolvedRules {
  stabilizationWindowSeconds: number;
  selectPolicy: string;
  policies: { type: string; value: number; periodSeconds: number }[];
}

/**
 * Both directions' rules. The API server defaults every field of a given behavior but the
 * scale-down window, which is the controller's --horizontal-pod-autoscaler-downscale-stabilization.
 */
export function resolveBehavior(behavior: HorizontalPodAutoscalerBehavior, downscaleWindowMs: number): { scaleUp: ResolvedRules; scaleDown: ResolvedRules } {
  const resolve = (r: HPAScalingRules | undefined, window: number): ResolvedRules => ({
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? window,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [],
  });
  return { scaleUp: resolve(behavior.scaleUp, 0), scaleDown: resolve(behavior.scaleDown, Math.floor(downscaleWindowMs / 1000)) };
}

/** Pods added (or removed) by the events of the last `periodSeconds`. */
function changeWithin(periodSeconds: number, events: ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
}

/** The replica count `periodSeconds` ago: the current one less the scale-ups since, plus the scale-downs. */
function replicasAtPeriodStart(currentReplicas: number, history: ScaleHistory, periodSeconds: number, now: number): number {
  return currentReplicas - changeWithin(periodSeconds, history.scaleUpEvents, now) + changeWithin(periodSeconds, history.scaleDownEvents, now);
}

/** The most replicas the scale-up policies allow now. */
export function scaleUpLimit(currentReplicas: number, history: ScaleHistory, rules: ResolvedRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const periodStart = replicasAtPeriodStart(currentReplicas, history, p.periodSeconds, now);
    // Rounded up: a small percentage of a few pods must still allow one more.
    const proposed = p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** The fewest replicas the scale-down policies allow now. */
export function scaleDownLimit(currentReplicas: number, history: ScaleHistory, rules: ResolvedRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const periodStart = replicasAtPeriodStart(currentReplicas, history, p.periodSeconds, now);
    const proposed = p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/**
 * With `behavior`: the current count moved no further than every recommendation of the scale-up
 * window allows upwards and the scale-down window's allow downwards, then the policies' rate
 * limits and minReplicas/maxReplicas.
 */
export function normalizeWithBehavior(history: ScaleHistory, input: NormalizeInput, rules: { scaleUp: ResolvedRules; scaleDown: ResolvedRules }, now: number): Normalized {
  const upCutoff = now - rules.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = now - rules.scaleDown.stabilizationWindowSeconds * 1000;
  let up = input.desiredReplicas;
  let down = input.desiredReplicas;
  for (const r of history.recommendations) {
    if (r.at > upCutoff) up = Math.min(up, r.replicas);
    if (r.at > downCutoff) down = Math.max(down, r.replicas);
  }
  const stabilized = Math.min(Math.max(input.currentReplicas, up), down);
  record(history, input.desiredReplicas, r => r.at < upCutoff && r.at < downCutoff, now);
  const stabilizedReason: readonly [string, string] = input.desiredReplicas >= input.currentReplicas ? UP_STABILIZED : DOWN_STABILIZED;
  const able = stabilized !== input.desiredReplicas ? ableToScale(...stabilizedReason) : READY;

  let replicas = stabilized;
  let reason: readonly [string, string] = WITHIN_RANGE;
  if (stabilized > input.currentReplicas) {
    // Until older scale-ups leave their periods, no further growth.
    const limit = Math.max(scaleUpLimit(input.currentReplicas, history, rules.scaleUp, now), input.currentReplicas);
    const [maximum, why] = input.maxReplicas > limit ? [limit, UP_LIMIT] : [input.maxReplicas, TOO_MANY];
    if (stabilized > maximum) [replicas, reason] = [maximum, why];
  } else if (stabilized < input.currentReplicas) {
    const limit = Math.min(scaleDownLimit(input.currentReplicas, history, rules.scaleDown, now), input.currentReplicas);
    const [minimum, why] = input.minReplicas < limit ? [limit, DOWN_LIMIT] : [input.minReplicas, TOO_FEW];
    if (stabilized < minimum) [replicas, reason] = [minimum, why];
  }
  return { replicas, conditions: [able, scalingLimited(replicas !== stabilized, ...reason)] };
}

/** Remembers a rescale for the behavior's rate limits, reusing the slot of an outdated event. */
export function recordScaleEvent(history: ScaleHistory, rules: { scaleUp: ResolvedRules; scaleDown: ResolvedRules }, previous: number, next: number, now: number): void {
  const up = next > previous;
  const events = up ? history.scaleUpEvents : history.scaleDownEvents;
  const longest = Math.max(0, ...(up ? rules.scaleUp : rules.scaleDown).policies.map(p => p.periodSeconds));
  const cutoff = now - longest * 1000;
  for (const e of events) if (e.at < cutoff) e.outdated = true;
  let old = -1;
  events.forEach((e, i) => { if (e.outdated) old = i; });
  const event = { change: Math.abs(next - previous), at: now, outdated: false };
  if (old >= 0) events[old] = event; else events.push(event);
}
