// Each service port's rules with the input they were built from: a sync rebuilds only the ports
// whose input (the port and the node's facts) changed, and an unchanged port hands back the very
// same object, which the sync plans recognise as unchanged without comparing rule text.
import type { ServicePortInfo } from './service-ports.js';
import type { NodeFacts } from './types.js';

export class PortRulesCache<R> {
  private entries = new Map<string, { input: string; rules: R }>();

  constructor(private readonly build: (p: ServicePortInfo, node: NodeFacts) => R) {}

  /** The rules of every port, in order; entries of ports no longer present are dropped. */
  rulesOf(ports: ServicePortInfo[], node: NodeFacts): R[] {
    const nodeInput = JSON.stringify(node);
    const next = new Map<string, { input: string; rules: R }>();
    const out = ports.map(p => {
      const input = nodeInput + JSON.stringify(p);
      const cached = this.entries.get(p.id);
      const entry = cached?.input === input ? cached : { input, rules: this.build(p, node) };
      next.set(p.id, entry);
      return entry.rules;
    });
    this.entries = next;
    return out;
  }
}
