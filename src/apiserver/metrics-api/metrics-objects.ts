// NodeMetrics and PodMetrics objects from the kept usage, and their Table rows, as metrics-server
// writes them: CPU in nanocores and memory in bytes as canonical quantities, the window as a Go
// duration, the object's labels, and a creationTimestamp of the moment it was asked for.
import { addQuantities, formatQuantity, parseQuantity } from '../../api/quantity.js';
import { nowTimestamp } from '../../api/object.js';
import { METRICS_GROUP, METRICS_VERSION, type NodeMetrics, type PodMetrics, type ResourceUsage } from '../../api/resource-metrics.js';
import type { Node, Pod } from '../../api/types/generated.js';
import { goDurationString } from '../../util/go-duration.js';
import type { Obj, Printer, TableColumnDefinition } from '../tables/types.js';
import type { NodeUsage, PodUsage, Usage } from './usage-store.js';

const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}` as const;

/** Kubernetes' canonical text for usage: `123456789n` of CPU, `1234Ki` of memory. */
export function usageQuantities(u: Usage): ResourceUsage {
  return {
    cpu: formatQuantity({ digits: BigInt(u.cpuNanoCores), scale: -9, format: 'DecimalSI' }),
    memory: formatQuantity({ digits: BigInt(u.memoryBytes), scale: 0, format: 'BinarySI' }),
  };
}

function timing(u: NodeUsage | PodUsage): { timestamp: string; window: string } {
  return { timestamp: nowTimestamp(new Date(u.timestampMs)), window: goDurationString(u.windowMs) };
}

export function nodeMetrics(node: Node, usage: NodeUsage, now: Date): NodeMetrics {
  return {
    kind: 'NodeMetrics', apiVersion: API_VERSION,
    metadata: { name: node.metadata?.name, labels: node.metadata?.labels, creationTimestamp: nowTimestamp(now) },
    ...timing(usage),
    usage: usageQuantities(usage.usage),
  };
}

export function podMetrics(pod: Pod, usage: PodUsage, now: Date): PodMetrics {
  return {
    kind: 'PodMetrics', apiVersion: API_VERSION,
    metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, labels: pod.metadata?.labels, creationTimestamp: nowTimestamp(now) },
    ...timing(usage),
    containers: usage.containers.map(c => ({ name: c.name, usage: usageQuantities(c.usage) })),
  };
}

const COLUMNS: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
  { name: 'cpu', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'memory', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 },
];

export const nodeMetricsPrinter: Printer = {
  columns: COLUMNS,
  cells: (m: Obj) => [m.metadata?.name ?? '', m.usage?.cpu ?? '0', m.usage?.memory ?? '0', m.window ?? ''],
};

/** A pod's row sums its containers' usage (Quantity.Add, as metrics-server's table). */
export const podMetricsPrinter: Printer = {
  columns: COLUMNS,
  cells: (m: Obj) => {
    const containers = (m as PodMetrics).containers ?? [];
    // In the format metrics-server builds each kind's quantities with, whatever the text's suffix.
    const total = (k: 'cpu' | 'memory') => !containers.length ? '0' : formatQuantity({
      ...containers.map(c => parseQuantity(c.usage[k])).reduce(addQuantities), format: k === 'cpu' ? 'DecimalSI' : 'BinarySI',
    });
    return [m.metadata?.name ?? '', total('cpu'), total('memory'), m.window ?? ''];
  },
};
