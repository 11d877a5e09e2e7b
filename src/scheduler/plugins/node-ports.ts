// NodePorts: a pod's host ports must be free on the node. 0.0.0.0 conflicts with every address.
import { SKIP, unschedulable, type Plugin } from '../framework.js';
import { portKey } from '../node-info.js';

const REASON = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: Plugin = {
  name: 'NodePorts',
  events: ['Node', 'AssignedPod'],
  preFilter: (_s, pod) => (pod.hostPorts.length ? null : SKIP),
  filter(_s, pod, node) {
    if (node.usedPorts.size === 0) return null;
    for (const hp of pod.hostPorts) {
      if (hp.ip === '0.0.0.0') {
        for (const used of node.usedPorts.keys()) if (used.startsWith(`${hp.protocol}/${hp.port}/`)) return unschedulable(REASON);
      } else if (node.usedPorts.has(portKey(hp.ip, hp.protocol, hp.port)) || node.usedPorts.has(portKey('0.0.0.0', hp.protocol, hp.port))) {
        return unschedulable(REASON);
      }
    }
    return null;
  },
};
