// Label selectors: the query-string syntax (`a=b,c!=d,e in (x,y),!f`) and the structured
// metav1.LabelSelector (matchLabels + matchExpressions) compile to the same requirement list.
import { BadRequestError } from '../errors.js';

export type LabelOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type Labels = Record<string, string> | undefined;

export class LabelSelector {
  constructor(readonly requirements: LabelRequirement[]) {}

  static everything(): LabelSelector {
    return new LabelSelector([]);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    return this.requirements.every(r => requirementMatches(r, labels));
  }

  /** Parses the `labelSelector` query parameter; throws BadRequestError on bad syntax. */
  static parse(text: string | undefined | null): LabelSelector {
    if (!text || !text.trim()) return LabelSelector.everything();
    return new LabelSelector(splitTopLevel(text).map(parseRequirement));
  }

  /** Compiles a metav1.LabelSelector object. A null/undefined selector matches nothing, {} matches everything. */
  static fromObject(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined | null): LabelSelector | null {
    if (!sel) return null;
    const reqs: LabelRequirement[] = [];
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, operator: 'In', values: [v] });
    for (const e of sel.matchExpressions ?? []) {
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) {
        throw new BadRequestError(`"${e.operator}" is not a valid label selector operator`);
      }
      reqs.push({ key: e.key, operator: e.operator as LabelOperator, values: e.values ?? [] });
    }
    return new LabelSelector(reqs);
  }

  toString(): string {
    return this.requirements.map(r => {
      switch (r.operator) {
        case 'Exists': return r.key;
        case 'DoesNotExist': return `!${r.key}`;
        case 'In': return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn': return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
      }
    }).join(',');
  }
}

function requirementMatches(r: LabelRequirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'In': return has && r.values.includes(labels![r.key]);
    case 'NotIn': return !has || !r.values.includes(labels![r.key]);
  }
}

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts.map(p => p.trim());
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function parseRequirement(part: string): LabelRequirement {
  let m: RegExpMatchArray | null;
  if ((m = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
    const values = m[3].split(',').map(v => v.trim());
    return checked({ key: m[1], operator: m[2] === 'in' ? 'In' : 'NotIn', values }, part);
  }
  if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
    return checked({ key: m[1], operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]] }, part);
  }
  if ((m = part.match(/^!\s*(\S+)$/))) return checked({ key: m[1], operator: 'DoesNotExist', values: [] }, part);
  if ((m = part.match(/^(\S+)$/))) return checked({ key: m[1], operator: 'Exists', values: [] }, part);
  throw new BadRequestError(`unable to parse requirement: found '${part}', expected: key, '=', '!=', 'in', 'notin'`);
}

function checked(r: LabelRequirement, part: string): LabelRequirement {
  if (!KEY.test(r.key) || r.key.length > 317) throw new BadRequestError(`unable to parse requirement: invalid label key "${r.key}" in '${part}'`);
  for (const v of r.values) {
    if (!VALUE.test(v) || v.length > 63) throw new BadRequestError(`unable to parse requirement: invalid label value: "${v}": at key: "${r.key}"`);
  }
  return r;
}
