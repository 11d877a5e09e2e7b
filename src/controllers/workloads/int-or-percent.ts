// maxSurge / maxUnavailable arithmetic: an IntOrString is either an absolute count or a percentage
// of a total, rounded up or down exactly as upstream's intstr.GetScaledValueFromIntOrPercent.
import type { IntOrString } from './types.js';

export class InvalidIntOrPercentError extends Error {
  constructor(readonly value: IntOrString) {
    super(`invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(value)}`);
    this.name = 'InvalidIntOrPercentError';
  }
}

export function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(-?\d+)%$/.exec(value);
  if (!m) {
    // A digit string is accepted as an integer (intstr.Parse would have made it one).
    if (/^-?\d+$/.test(value)) return Number(value);
    throw new InvalidIntOrPercentError(value);
  }
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * The surge and unavailability allowances of a rolling update of `desired` replicas. Surge rounds up
 * and unavailability rounds down; when both come out 0 one unavailable pod is allowed, otherwise
 * the rollout could never make progress.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}
