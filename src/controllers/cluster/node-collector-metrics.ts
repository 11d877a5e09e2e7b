// The node lifecycle controller's node_collector_* series, as upstream's: per zone, how many nodes
// it has, how many are not Ready and the share that is (read from the node cache at scrape time),
// and how many nodes were tainted NoExecute for eviction (not-ready or unreachable).

import { Counter, Gauge, type Registry } from '../../metrics/registry.js';
import type { Node } from './types.js';

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';

/** Upstream's zone key of a node: region and zone joined by ":\0:", or "" for a node with neither label. */
export function zoneKey(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region = labels[REGION_LABEL] ?? '';
  const zone = labels[ZONE_LABEL] ?? '';
  return region || zone ? `${region}:\u0000:${zone}` : '';
}

export class NodeCollectorMetrics {
  private nodes: () => Node[] = () => [];
  private readonly evictions: Counter<'zone'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const metrics = this;
    const perZone = (): Map<string, { size: number; unhealthy: number }> => {
      const zones = new Map<string, { size: number; unhealthy: number }>();
      for (const node of metrics.nodes()) {
        const key = zoneKey(node);
        let z = zones.get(key);
        if (!z) zones.set(key, (z = { size: 0, unhealthy: 0 }));
        z.size++;
        if (!node.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')) z.unhealthy++;
      }
      return zones;
    };
    new Gauge({
      name: 'node_collector_zone_size', labelNames: ['zone'], registers, help: '[ALPHA] Gauge measuring number of registered Nodes per zones.',
      collect() {
        this.reset();
        for (const [zone, z] of perZone()) this.set({ zone }, z.size);
      },
    });
    new Gauge({
      name: 'node_collector_unhealthy_nodes_in_zone', labelNames: ['zone'], registers, help: '[ALPHA] Gauge measuring number of not Ready Nodes per zones.',
      collect() {
        this.reset();
        for (const [zone, z] of perZone()) this.set({ zone }, z.unhealthy);
      },
    });
    new Gauge({
      name: 'node_collector_zone_health', labelNames: ['zone'], registers, help: '[ALPHA] Gauge measuring percentage of healthy nodes per zone.',
      collect() {
        this.reset();
        for (const [zone, z] of perZone()) this.set({ zone }, (100 * (z.size - z.unhealthy)) / z.size);
      },
    });
    this.evictions = new Counter({ name: 'node_collector_evictions_total', labelNames: ['zone'], registers, help: '[STABLE] Number of Node evictions that happened since current instance of NodeController started.' });
  }

  /** The nodes the zone series are read from (the controller's cache, once it runs). */
  watch(nodes: () => Node[]): void {
    this.nodes = nodes;
  }

  /** The node was tainted NoExecute (not-ready or unreachable): its pods are to be evicted. */
  nodeTaintedForEviction(node: Node): void {
    this.evictions.inc({ zone: zoneKey(node) });
  }
}
