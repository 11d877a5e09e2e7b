// NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods tolerating the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import { unresolvable, type Plugin } from '../framework.js';
import { tolerates } from '../../api/node-selection.js';

const REASON = 'node(s) were unschedulable';
const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  events: ['Node'],
  filter(_s, pod, node) {
    if (!node.unschedulable) return null;
    return (pod.spec.tolerations ?? []).some(t => tolerates(t, TAINT)) ? null : unresolvable(REASON);
  },
};
