// What the kubelet reads about its machine for the Node object (upstream gets the same from
// cAdvisor): CPU cores, memory, the filesystem holding the kubelet's data, and the identifiers and
// versions shown in nodeInfo.
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { goArch } from '../../api/node-object.js';

export interface MachineInfo {
  cpuCores: number;
  memoryBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
}

export interface FilesystemUsage {
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

export interface MemoryUsage {
  totalBytes: number;
  availableBytes: number;
}

export function readMachineInfo(): MachineInfo {
  const machineID = readOptional('/etc/machine-id') ?? readOptional('/var/lib/dbus/machine-id') ?? '';
  return {
    cpuCores: cpus().length,
    memoryBytes: readMemory().totalBytes,
    machineID,
    // Virtual machines without DMI have no product UUID; upstream then reports the machine ID.
    systemUUID: readOptional('/sys/class/dmi/id/product_uuid') ?? machineID,
    bootID: readOptional('/proc/sys/kernel/random/boot_id') ?? '',
    kernelVersion: release(),
    osImage: osImage(readOptional('/etc/os-release') ?? ''),
    architecture: goArch(),
  };
}

/** MemTotal and MemAvailable from /proc/meminfo (upstream's memory.available signal). */
export function readMemory(meminfo = readFileSync('/proc/meminfo', 'utf8')): MemoryUsage {
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
  return { totalBytes: kib('MemTotal'), availableBytes: kib('MemAvailable') };
}

export function filesystemUsage(path: string): FilesystemUsage {
  const s = statfsSync(path);
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize, inodes: s.files, inodesFree: s.ffree };
}

/** PRETTY_NAME from os-release, as upstream's osImage. */
export function osImage(osRelease: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(osRelease);
  if (!m) return 'Linux';
  return m[1].trim().replace(/^(["'])(.*)\1$/, '$2');
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
