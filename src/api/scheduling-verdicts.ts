// The scheduler's per-node verdict of a failed attempt, carried on its FailedScheduling Event as an
// annotation so that the why API can say which filter rejected which node. The Event's message
// keeps upstream's counted summary ("0/3 nodes are available: ..."); the annotation names the
// nodes. Nodes with the same verdict are grouped, and each group names at most MAX_NODES of them,
// so a large cluster's annotation stays small.

export const FILTER_VERDICTS_ANNOTATION = 'scheduler.k8ts.io/filter-verdicts';

const MAX_NODES = 50;

/** The nodes one plugin rejected for the same reasons. */
export interface VerdictGroup {
  plugin: string;
  reasons: string[];
  /** Up to MAX_NODES node names, sorted. */
  nodes: string[];
  /** How many more nodes had this verdict than `nodes` names. */
  more?: number;
}

export interface FilterVerdicts {
  /** Nodes the scheduler knew of at the attempt. */
  nodeCount: number;
  rejected: VerdictGroup[];
}

/** Groups per-node rejections (node name → plugin and reasons) into the annotation's value. */
export function encodeFilterVerdicts(nodeCount: number, rejections: Iterable<[string, { plugin?: string; reasons: string[] }]>): string {
  // Runs on every failed attempt over every node: keyed by plugin, then by the reasons (nearly
  // always one, used as it is), no key string is built per node.
  const groups = new Map<string, Map<string, { plugin: string; reasons: string[]; nodes: string[] }>>();
  for (const [node, st] of rejections) {
    const plugin = st.plugin ?? '';
    let byReasons = groups.get(plugin);
    if (!byReasons) groups.set(plugin, byReasons = new Map());
    const key = st.reasons.length === 1 ? st.reasons[0] : st.reasons.join('\0');
    let g = byReasons.get(key);
    if (!g) byReasons.set(key, g = { plugin, reasons: st.reasons, nodes: [] });
    g.nodes.push(node);
  }
  const rejected: VerdictGroup[] = [...groups.values()].flatMap(byReasons => [...byReasons.values()]).map(g => {
    const nodes = g.nodes.sort();
    return nodes.length > MAX_NODES ? { ...g, nodes: nodes.slice(0, MAX_NODES), more: nodes.length - MAX_NODES } : { ...g, nodes };
  });
  rejected.sort((a, b) => a.plugin.localeCompare(b.plugin) || a.reasons.join().localeCompare(b.reasons.join()));
  const verdicts: FilterVerdicts = { nodeCount, rejected };
  return JSON.stringify(verdicts);
}

/** The annotation's value read back; undefined when it is absent or not ours. */
export function decodeFilterVerdicts(annotations: Record<string, string> | undefined): FilterVerdicts | undefined {
  const text = annotations?.[FILTER_VERDICTS_ANNOTATION];
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as FilterVerdicts;
    return typeof v.nodeCount === 'number' && Array.isArray(v.rejected) ? v : undefined;
  } catch {
    return undefined;
  }
}
