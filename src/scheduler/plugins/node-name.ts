// NodeName: a pod that names its node (spec.nodeName) fits only there.
import { unresolvable, type Plugin } from '../framework.js';

const REASON = "node(s) didn't match the requested node name";

export const nodeName: Plugin = {
  name: 'NodeName',
  events: ['Node'],
  filter: (_s, pod, node) => (pod.spec.nodeName && pod.spec.nodeName !== node.name ? unresolvable(REASON) : null),
};
