// metav1.LabelSelector: syntax (apimachinery meta/v1/validation) and matching against labels.
import { fieldErrors, type FieldError } from '../errors.js';
import { labelValue, qualifiedName } from './names.js';
import { validateLabels } from './object-meta.js';
import type { Obj } from './types.js';

export function validateLabelSelector(sel: Obj | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  for (const [i, req] of ((sel.matchExpressions ?? []) as Obj[]).entries()) {
    const p = `${path}.matchExpressions[${i}]`;
    const values: unknown[] = req.values ?? [];
    if (req.operator === 'In' || req.operator === 'NotIn') {
      if (!values.length) errs.push(fieldErrors.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (req.operator === 'Exists' || req.operator === 'DoesNotExist') {
      if (values.length) errs.push(fieldErrors.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(fieldErrors.invalid(`${p}.operator`, req.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of qualifiedName(String(req.key ?? ''))) errs.push(fieldErrors.invalid(`${p}.key`, req.key ?? '', msg));
    values.forEach((v, j) => {
      for (const msg of labelValue(String(v))) errs.push(fieldErrors.invalid(`${p}.values[${j}]`, v, msg));
    });
  }
  return errs;
}

export function isEmptySelector(sel: Obj | undefined): boolean {
  return !Object.keys(sel?.matchLabels ?? {}).length && !(sel?.matchExpressions ?? []).length;
}

/** Whether a selector selects a label set; an empty selector selects everything. */
export function selectorMatches(sel: Obj, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(set, k);
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (set[k] !== v) return false;
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const values: string[] = e.values ?? [];
    const ok = e.operator === 'In' ? has(e.key) && values.includes(set[e.key])
      : e.operator === 'NotIn' ? !has(e.key) || !values.includes(set[e.key])
        : e.operator === 'Exists' ? has(e.key)
          : e.operator === 'DoesNotExist' ? !has(e.key) : false;
    if (!ok) return false;
  }
  return true;
}
