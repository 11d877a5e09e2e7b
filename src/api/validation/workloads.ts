// Workload checks (apps and batch validation): selectors that match their templates, replica
// counts, restart policies, immutable selectors, cron schedules.
import { fieldErrors, type FieldError } from '../errors.js';
import { validatePodSpec } from './pod.js';
import { validateLabels } from './object-meta.js';

type Obj = Record<string, any>;

/** Renders a label map like Go's %#v of map[string]string, as upstream messages do. */
function goMap(m: Record<string, string> | undefined): string {
  return `map[string]string{${Object.keys(m ?? {}).sort().map(k => `"${k}":"${m![k]}"`).join(', ')}}`;
}

function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export function validateTemplateWorkload(obj: Obj, opts: { selectorRequired: boolean; restartPolicies: string[] }): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.replicas !== undefined && !(Number.isInteger(spec.replicas) && spec.replicas >= 0)) {
    errs.push(fieldErrors.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  const sel = spec.selector;
  const labels = spec.template?.metadata?.labels ?? {};
  if (opts.selectorRequired && !sel) errs.push(fieldErrors.required('spec.selector'));
  if (sel && opts.selectorRequired) {
    if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
      errs.push(fieldErrors.invalid('spec.selector', sel, 'empty selector is invalid for deployment'));
    } else if (!selectorMatches(sel, labels)) {
      errs.push(fieldErrors.invalid('spec.template.metadata.labels', goMap(labels), '`selector` does not match template `labels`'));
    }
  }
  if (!spec.template) errs.push(fieldErrors.required('spec.template'));
  else {
    errs.push(...validateLabels(spec.template.metadata?.labels, 'spec.template.metadata.labels'));
    errs.push(...validatePodSpec(spec.template.spec, 'spec.template.spec'));
    const rp = spec.template.spec?.restartPolicy;
    if (rp !== undefined && !opts.restartPolicies.includes(rp)) errs.push(fieldErrors.notSupported('spec.template.spec.restartPolicy', rp, opts.restartPolicies));
  }
  return errs;
}

export function validateDeploymentStrategy(spec: Obj): FieldError[] {
  const s = spec.strategy;
  if (!s) return [];
  if (s.type !== undefined && !['Recreate', 'RollingUpdate'].includes(s.type)) return [fieldErrors.notSupported('spec.strategy.type', s.type, ['Recreate', 'RollingUpdate'])];
  if (s.type === 'Recreate' && s.rollingUpdate) return [fieldErrors.forbidden('spec.strategy.rollingUpdate', 'may not be specified when strategy `type` is \'Recreate\'')];
  const ru = s.rollingUpdate;
  if (ru && isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) {
    return [fieldErrors.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0')];
  }
  return [];
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0%' || v === '0';
}

export function validateSelectorImmutable(obj: Obj, old: Obj): FieldError[] {
  if (JSON.stringify(obj.spec?.selector ?? null) === JSON.stringify(old.spec?.selector ?? null)) return [];
  return [fieldErrors.invalid('spec.selector', obj.spec?.selector, 'field is immutable')];
}

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const FIELD_RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const NAMES: Record<number, string[]> = {
  3: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  4: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};

/** Standard 5-field cron syntax (or a macro); returns why it is invalid, if it is. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s)) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  if (MACROS.includes(s)) return undefined;
  if (s.startsWith('@every ')) return undefined;
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const part of fields[i].split(',')) {
      const [range, step] = part.split('/');
      if (step !== undefined && !/^\d+$/.test(step)) return `failed to parse int from ${step}`;
      if (range === '*' || range === '?') continue;
      for (const bound of range.split('-')) {
        const n = /^\d+$/.test(bound) ? Number(bound) : NAMES[i]?.indexOf(bound.toUpperCase()) ?? -1;
        const value = /^\d+$/.test(bound) ? n : n + (i === 3 ? 1 : 0);
        if (n < 0 || value < FIELD_RANGES[i][0] || value > FIELD_RANGES[i][1]) return `failed to parse int from ${bound}`;
      }
    }
  }
  return undefined;
}
