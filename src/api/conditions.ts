// Status conditions as upstream keeps them (meta.SetStatusCondition, podutil.UpdatePodCondition,
// the apps controllers' SetCondition): one entry per type, and lastTransitionTime moves only when
// the status itself changes. One set of rules for every kind's conditions.
import { nowTimestamp } from './object.js';

/** What every kind's condition (meta/v1 Condition, PodCondition, NodeCondition, ...) has. */
export interface ConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** The same condition apart from its timestamps (lastUpdateTime, lastProbeTime, ...). */
function unchanged(prior: ConditionLike, next: ConditionLike): boolean {
  return prior.status === next.status && (prior.reason ?? '') === (next.reason ?? '')
    && (prior.message ?? '') === (next.message ?? '') && prior.observedGeneration === next.observedGeneration;
}

/**
 * Returns a copy of `list` with `cond` set. A condition that differs from the recorded one only in
 * its timestamps leaves the recorded one as it is, so a sync that changes nothing writes nothing;
 * otherwise it replaces the recorded one in place, keeping its transition time if the status did
 * not change.
 */
export function setCondition<C extends ConditionLike>(list: C[] | undefined, cond: C, now = nowTimestamp()): C[] {
  const out = [...(list ?? [])];
  const i = out.findIndex(c => c.type === cond.type);
  const prior = i >= 0 ? out[i] : undefined;
  if (prior && unchanged(prior, cond)) return out;
  const next = { ...cond, lastTransitionTime: prior && prior.status === cond.status ? prior.lastTransitionTime ?? now : cond.lastTransitionTime ?? now };
  if (i >= 0) out[i] = next; else out.push(next);
  return out;
}

/**
 * The condition to write so that `list` holds `cond` (by setCondition's rules), or undefined when
 * the recorded one already says the same apart from timestamps: upstream's callers of
 * podutil.UpdatePodCondition skip the status write then.
 */
export function changedCondition<C extends ConditionLike>(list: C[] | undefined, cond: C, now = nowTimestamp()): C | undefined {
  const prior = findCondition(list, cond.type);
  // setCondition keeps the recorded object itself when nothing but timestamps would change.
  const next = findCondition(setCondition(list, cond, now), cond.type)!;
  return next === prior ? undefined : next;
}

export function findCondition<C extends ConditionLike>(list: C[] | undefined, type: string): C | undefined {
  return list?.find(c => c.type === type);
}

export function isTrue(list: ConditionLike[] | undefined, type: string): boolean {
  return findCondition(list, type)?.status === 'True';
}

/** The list without conditions of `type`; undefined when none remain, as omitempty lists are. */
export function removeCondition<C extends ConditionLike>(list: C[] | undefined, type: string): C[] | undefined {
  const rest = list?.filter(c => c.type !== type);
  return rest?.length ? rest : undefined;
}
