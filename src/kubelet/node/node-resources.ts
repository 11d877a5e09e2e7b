// Capacity, allocatable and pressure, from the machine and upstream's default hard eviction
// thresholds (memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%): allocatable is
// capacity minus those thresholds, and a node below one of them reports the matching pressure.
import { readdirSync, readFileSync } from 'node:fs';
import { formatQuantity } from '../../api/quantity.js';
import type { FilesystemUsage, MachineInfo, MemoryUsage } from './machine-info.js';

export const MAX_PODS = 110;
const MEMORY_EVICTION_BYTES = 100 * 1024 * 1024;
const NODEFS_AVAILABLE_FRACTION = 0.10;
const NODEFS_INODES_FREE_FRACTION = 0.05;

export type ResourceList = Record<string, string>;

const bytes = (n: number) => formatQuantity({ digits: BigInt(Math.max(0, Math.floor(n))), scale: 0, format: 'BinarySI' });

export function nodeCapacity(machine: MachineInfo, fs: FilesystemUsage, hugepages = readHugepages(), maxPods = MAX_PODS): ResourceList {
  return {
    cpu: String(machine.cpuCores),
    memory: bytes(machine.memoryBytes),
    'ephemeral-storage': bytes(fs.capacityBytes),
    pods: String(maxPods),
    ...Object.fromEntries(Object.entries(hugepages).map(([name, total]) => [name, bytes(total)])),
  };
}

export function nodeAllocatable(machine: MachineInfo, fs: FilesystemUsage, hugepages = readHugepages(), maxPods = MAX_PODS): ResourceList {
  return {
    ...nodeCapacity(machine, fs, hugepages, maxPods),
    memory: bytes(machine.memoryBytes - MEMORY_EVICTION_BYTES),
    'ephemeral-storage': bytes(fs.capacityBytes * (1 - NODEFS_AVAILABLE_FRACTION)),
  };
}

export function memoryPressure(mem: MemoryUsage): boolean {
  return mem.availableBytes < MEMORY_EVICTION_BYTES;
}

export function diskPressure(fs: FilesystemUsage): boolean {
  return fs.availableBytes < fs.capacityBytes * NODEFS_AVAILABLE_FRACTION ||
    (fs.inodes > 0 && fs.inodesFree < fs.inodes * NODEFS_INODES_FREE_FRACTION);
}

/** Pre-allocated huge pages per size (`hugepages-2Mi` → bytes), as upstream lists them in capacity. */
export function readHugepages(root = '/sys/kernel/mm/hugepages'): Record<string, number> {
  const out: Record<string, number> = {};
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return out;
  }
  for (const dir of dirs) {
    const m = /^hugepages-(\d+)kB$/.exec(dir);
    if (!m) continue;
    const sizeBytes = Number(m[1]) * 1024;
    const count = Number(readFileSync(`${root}/${dir}/nr_hugepages`, 'utf8').trim());
    out[`hugepages-${bytes(sizeBytes)}`] = count * sizeBytes;
  }
  return out;
}
