// SchedulingGates: a pod with spec.schedulingGates waits outside activeQ until they are removed.
import { unresolvable, type Plugin } from '../framework.js';

export const schedulingGates: Plugin = {
  name: 'SchedulingGates',
  preEnqueue(pod) {
    const gates = pod.spec?.schedulingGates ?? [];
    return gates.length ? unresolvable(`waiting for scheduling gates: [${gates.map(g => g.name).join(' ')}]`) : null;
  },
};
