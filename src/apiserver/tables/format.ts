// Cell formatting shared by the printers, as upstream's printers render values.

/** Upstream's duration.HumanDuration: "45s", "3m20s", "5h", "2d3h", "3y". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

/** Time since a timestamp, "<unknown>" when there is none. */
export function since(ts: string | undefined | null, now: Date): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

export function orNone(v: string | undefined | null): string {
  return v ? v : '<none>';
}

/** `a=b,c=d` for a label map, "<none>" when empty (upstream's labels.FormatLabels). */
export function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map(k => `${k}=${m![k]}`).join(',') : '<none>';
}

type Obj = Record<string, any>;

/** A metav1.LabelSelector as text: `app=web,tier in (a,b)`; "<none>" for nil, "<none>" for empty. */
export function formatSelector(sel: Obj | undefined): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels[k]}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

/** Container names and images of a pod template, comma-joined. */
export function containersAndImages(podSpec: Obj | undefined): [string, string] {
  const cs: Obj[] = podSpec?.containers ?? [];
  return [cs.map(c => c.name).join(','), cs.map(c => c.image).join(',')];
}
