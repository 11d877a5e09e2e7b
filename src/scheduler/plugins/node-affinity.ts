// NodeAffinity: spec.nodeSelector and required node affinity must match the node's labels (and
// metadata.name for matchFields); preferred terms add their weights to the score.
import { normalizeByMax, SKIP, unresolvable, type Plugin } from '../framework.js';
import { matchesNodeSelection, nodeSelectorTermMatches } from '../../api/node-selection.js';

const REASON = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: Plugin = {
  name: 'NodeAffinity',
  events: ['Node'],
  preFilter(_s, pod) {
    const spec = pod.spec;
    const hasSelector = spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0;
    return hasSelector || spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ? null : SKIP;
  },
  filter: (_s, pod, node) => (matchesNodeSelection(pod.spec, node) ? null : unresolvable(REASON)),
  preScore: (_s, pod) => (pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? null : SKIP),
  score(_s, pod, node) {
    let sum = 0;
    for (const p of pod.spec.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution!) {
      if (p.weight && nodeSelectorTermMatches(p.preference, node)) sum += p.weight;
    }
    return sum;
  },
  normalizeScore: (_s, _pod, scores) => normalizeByMax(scores, false),
};
