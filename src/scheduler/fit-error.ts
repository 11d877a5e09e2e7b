// Why a pod fits nowhere, worded as upstream's FitError (1.32):
// "0/X nodes are available: <PreFilter msg>. <n reason, ...>. <PostFilter msg>" (which ends in its own period).
// Reasons are counted over nodes and sorted as strings, exactly as upstream prints them.
import type { Status } from './framework.js';

export interface Diagnosis {
  /** Per rejected node. */
  statuses: Map<string, Status>;
  preFilterMsg?: string;
  postFilterMsg?: string;
  /** Plugins that rejected the pod (what the queue waits on). */
  unschedulablePlugins: Set<string>;
}

export function reasonHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const st of statuses) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const hist = reasonHistogram(d.statuses.values());
    if (hist.length) msg += ` ${hist.join(', ')}.`;
  }
  // The PostFilter message is a sentence of its own (e.g. "preemption: 0/3 nodes are available: ...").
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
