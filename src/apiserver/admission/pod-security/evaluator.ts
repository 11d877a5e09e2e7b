// Evaluating a pod against a level:version, as upstream's policy registry: the checks of a level
// at a version are those whose first version is not newer, in their newest form; restricted
// includes every baseline check a restricted one does not replace. Baseline checks run first,
// then restricted ones, each group in id order, so messages list violations in upstream's order.
import type { ObjectMeta, PodSpec } from '../../../api/types/generated.js';
import { CHECKS, type Check, type CheckPod, type CheckResult } from './checks.js';
import type { LevelVersion } from './policy.js';

/** The newest version any check knows; later and `latest` evaluate as this one. */
export const MAX_MINOR = Math.max(...CHECKS.flatMap(c => c.versions.map(v => v.minimumMinor)));

const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDERED = [...CHECKS.filter(c => c.level === 'baseline').sort(byId), ...CHECKS.filter(c => c.level === 'restricted').sort(byId)];

const atVersion = (c: Check, minor: number) => [...c.versions].reverse().find(v => v.minimumMinor <= minor);

const cache = new Map<string, CheckPod[]>();

function checksFor(level: 'baseline' | 'restricted', minor: number): CheckPod[] {
  const key = `${level}:${minor}`;
  let fns = cache.get(key);
  if (fns) return fns;
  const restricted = ORDERED.filter(c => c.level === 'restricted').map(c => atVersion(c, minor)).filter(v => !!v);
  const overridden = new Set(restricted.flatMap(v => v!.overrides ?? []));
  fns = ORDERED
    .filter(c => c.level === 'baseline' || level === 'restricted')
    .filter(c => !(c.level === 'baseline' && level === 'restricted' && overridden.has(c.id)))
    .map(c => atVersion(c, minor)?.check)
    .filter((f): f is CheckPod => !!f);
  cache.set(key, fns);
  return fns;
}

export interface AggregateResult { allowed: boolean; reasons: string[]; details: string[] }

export function evaluatePod(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): AggregateResult {
  if (lv.level === 'privileged') return { allowed: true, reasons: [], details: [] };
  const minor = lv.version.latest ? MAX_MINOR : Math.min(lv.version.minor, MAX_MINOR);
  const failed = checksFor(lv.level, minor).map(f => f(meta, spec)).filter((r: CheckResult) => !r.allowed);
  return { allowed: !failed.length, reasons: failed.map(r => r.reason || 'unknown forbidden reason'), details: failed.map(r => r.detail ?? '') };
}

/** "privileged (container "c" must not ...), host namespaces (hostNetwork=true)". */
export const forbiddenDetail = (r: AggregateResult): string => r.reasons.map((reason, i) => (r.details[i] ? `${reason} (${r.details[i]})` : reason)).join(', ');
/** The reasons alone: what existing pods are summarized by when a namespace's enforce level tightens. */
export const forbiddenReason = (r: AggregateResult): string => r.reasons.join(', ');
