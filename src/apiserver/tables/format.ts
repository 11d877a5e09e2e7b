// Cell formatting shared by the printers: labels, selectors, container lists, "N more" lists,
// quantities and booleans, each rendered the way upstream's Go values print.
import type { Obj } from './types.js';

/** labels.FormatLabels: `a=b,c=d` with keys sorted, "<none>" when empty. */
export function formatLabels(m: Record<string, string> | undefined | null): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map(k => `${k}=${m![k]}`).join(',') : '<none>';
}

/**
 * A metav1.LabelSelector as a labels.Selector prints: requirements sorted by key, matchLabels as
 * `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. Nil and empty selectors print as "".
 */
export function selectorString(sel: Obj | undefined | null): string {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries((sel.matchLabels ?? {}) as Record<string, string>)) reqs.push({ key, text: `${key}=${value}` });
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const values = [...new Set<string>(e.values ?? [])].sort().join(',');
    const text =
      e.operator === 'In' ? `${e.key} in (${values})`
      : e.operator === 'NotIn' ? `${e.key} notin (${values})`
      : e.operator === 'Exists' ? e.key
      : e.operator === 'DoesNotExist' ? `!${e.key}`
      : undefined;
    // An unknown operator makes the whole selector invalid upstream.
    if (text === undefined) return '<error>';
    reqs.push({ key: e.key, text });
  }
  // Stable sort by key, as upstream's internalSelector orders its requirements.
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(r => r.text).join(',');
}

/** metav1.FormatLabelSelector: selectorString, but "<none>" when it selects by nothing. */
export function formatLabelSelector(sel: Obj | undefined | null): string {
  return selectorString(sel) || '<none>';
}

/**
 * The Go struct print of a metav1.LabelSelector (its generated String()), which upstream shows for
 * an admission policy binding's paramRef selector.
 */
export function labelSelectorGoString(sel: Obj): string {
  const labels = Object.keys(sel.matchLabels ?? {}).sort().map(k => `${k}: ${sel.matchLabels[k]},`).join('');
  const exprs = ((sel.matchExpressions ?? []) as Obj[])
    .map(e => `LabelSelectorRequirement{Key:${e.key ?? ''},Operator:${e.operator ?? ''},Values:[${(e.values ?? []).join(' ')}],},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** Container names and images of a pod spec, each comma-joined (layoutContainerCells). */
export function containerCells(podSpec: Obj | undefined | null): [string, string] {
  const cs: Obj[] = podSpec?.containers ?? [];
  return [cs.map(c => c.name ?? '').join(','), cs.map(c => c.image ?? '').join(',')];
}

/** The first `max` items, then " + N more..." (N counts every item); "<unset>" when there are none. */
export function listWithMore(items: string[], max = 3): string {
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  return items.length ? items.join(',') : '<unset>';
}

/**
 * A resource.Quantity as text. Stored quantities are already in the user's notation, which is
 * what upstream prints for the common canonical forms ("10Gi", "500m"); an absent value is "0".
 */
export function quantity(q: unknown): string {
  return q === undefined || q === null || q === '' ? '0' : String(q);
}

/** A *resource.Quantity that may be nil, which Go prints as "<nil>". */
export function quantityPtr(q: unknown): string {
  return q === undefined || q === null ? '<nil>' : String(q);
}

/** Go's printBoolPtr: "True", "False", or "<unset>" for nil. */
export function boolPtr(v: unknown): string {
  return v === undefined || v === null ? '<unset>' : v ? 'True' : 'False';
}

/** The first condition of a type decides, as upstream's condition helpers read them. */
export function conditionTrue(conditions: Obj[] | undefined, type: string): boolean {
  return (conditions ?? []).find(c => c.type === type)?.status === 'True';
}
