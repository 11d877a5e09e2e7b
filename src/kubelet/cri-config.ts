// CRI sandbox and container configs built from a Pod, as upstream's kuberuntime does: labels,
// log layout, hostname, DNS, host ports, namespaces, resources as cgroup settings (cpu shares from
// requests, CFS quota from limits, memory limit, OOM score by QoS) and the security context.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { milliValue, parseQuantity } from '../api/quantity.js';
import type { Container, SecurityContext } from '../api/types/generated.js';
import type {
  ContainerConfig, DNSConfig, KeyValue, LinuxContainerResources, LinuxContainerSecurityContext, Mount, NamespaceOption, PodSandboxConfig, PortMapping, Protocol,
} from './cri/types.js';
import { milliCpuToQuota, milliCpuToShares, QUOTA_PERIOD } from './cpu-shares.js';
import * as L from './labels.js';
import type { PodObject } from './types.js';
import type { HostDevice, HostMount } from './volumes/pod-volumes.js';

/** The pod's resolver configuration, by dnsPolicy (the kubelet's PodDnsConfigurer, pod-dns.ts). */
export interface DnsSettings {
  forPod(pod: PodObject): DNSConfig;
}

/** `<root>/pods/<ns>_<name>_<uid>`: the pod's log directory, as upstream's /var/log/pods layout. */
export function podLogDirectory(root: string, pod: PodObject): string {
  return join(root, 'pods', `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
}

export function podLabels(pod: PodObject): Record<string, string> {
  return { [L.POD_NAME]: pod.metadata.name!, [L.POD_NAMESPACE]: pod.metadata.namespace!, [L.POD_UID]: pod.metadata.uid! };
}

export function sandboxConfig(pod: PodObject, attempt: number, root: string, dns: DnsSettings | undefined, cgroupParent?: string): PodSandboxConfig {
  const spec = pod.spec;
  const hostNetwork = !!spec.hostNetwork;
  const portMappings: PortMapping[] = [];
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      portMappings.push({ protocol: (p.protocol ?? 'TCP') as Protocol, containerPort: p.containerPort, hostPort: p.hostPort, ...(p.hostIP ? { hostIp: p.hostIP } : {}) });
    }
  }
  const psc = spec.securityContext;
  return {
    metadata: { name: pod.metadata.name!, uid: pod.metadata.uid!, namespace: pod.metadata.namespace!, attempt },
    hostname: hostNetwork ? undefined : (spec.hostname ?? pod.metadata.name!).slice(0, 63),
    logDirectory: podLogDirectory(root, pod),
    dnsConfig: dns?.forPod(pod),
    portMappings,
    labels: { ...(pod.metadata.labels ?? {}), ...podLabels(pod) },
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      ...(cgroupParent ? { cgroupParent } : {}),
      securityContext: {
        namespaceOptions: namespaces(pod),
        ...(psc?.runAsUser !== undefined ? { runAsUser: { value: psc.runAsUser } } : {}),
        ...(psc?.runAsGroup !== undefined ? { runAsGroup: { value: psc.runAsGroup } } : {}),
        supplementalGroups: psc?.supplementalGroups ?? [],
        // A privileged container needs a privileged sandbox (upstream's HasPrivilegedContainer).
        privileged: [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].some(c => !!c.securityContext?.privileged),
      },
      sysctls: Object.fromEntries((psc?.sysctls ?? []).map(s => [s.name, s.value])),
    },
  };
}

function namespaces(pod: PodObject): NamespaceOption {
  return {
    network: pod.spec.hostNetwork ? 'NODE' : 'POD',
    pid: pod.spec.hostPID ? 'NODE' : pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
  };
}

/** A hash of the container's spec; a changed hash means the container must be recreated. */
export function containerHash(c: Container): string {
  return createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 16);
}

export interface ContainerRuntimeInputs {
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  mounts: HostMount[];
  /** Block volumes (volumeDevices); none when omitted. */
  devices?: HostDevice[];
  attempt: number;
  /** Node memory capacity in bytes, for the Burstable OOM score. */
  nodeMemory: number;
  qosClass: string;
}

/**
 * A volumeMount's mountPropagation in CRI terms. Bidirectional (privileged containers only, as the
 * API validates) lets mounts made in the container reach the host: how a CSI driver's pod mounts
 * volumes for other pods.
 */
const PROPAGATION: Record<string, Mount['propagation']> = {
  None: 'PROPAGATION_PRIVATE', HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER', Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

export function containerConfig(pod: PodObject, c: Container, inputs: ContainerRuntimeInputs): ContainerConfig {
  const envs: KeyValue[] = inputs.env.map(e => ({ key: e.name, value: e.value }));
  const mounts: Mount[] = inputs.mounts.map(m => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, propagation: PROPAGATION[m.propagation ?? 'None'] ?? 'PROPAGATION_PRIVATE' }));
  return {
    metadata: { name: c.name, attempt: inputs.attempt },
    image: { image: inputs.image, userSpecifiedImage: c.image },
    command: inputs.command,
    args: inputs.args,
    workingDir: c.workingDir,
    envs,
    mounts,
    devices: (inputs.devices ?? []).map(d => ({ containerPath: d.containerPath, hostPath: d.hostPath, permissions: d.permissions })),
    labels: { ...podLabels(pod), [L.CONTAINER_NAME]: c.name },
    annotations: {
      [L.CONTAINER_HASH]: containerHash(c),
      [L.RESTART_COUNT]: String(inputs.attempt),
      [L.TERMINATION_GRACE]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
      [L.TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? '/dev/termination-log',
      [L.TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
      ...(c.lifecycle?.preStop ? { [L.PRE_STOP_HANDLER]: JSON.stringify(c.lifecycle.preStop) } : {}),
    },
    logPath: `${c.name}/${inputs.attempt}.log`,
    stdin: !!c.stdin,
    stdinOnce: !!c.stdinOnce,
    tty: !!c.tty,
    linux: {
      resources: linuxResources(c, inputs.qosClass, inputs.nodeMemory),
      securityContext: securityContext(pod, c.securityContext),
    },
  };
}

function milli(q: string | number | undefined): number | undefined {
  return q === undefined ? undefined : Number(milliValue(parseQuantity(q)));
}

/** Requests and limits as cgroup settings (upstream's MilliCPUToShares / MilliCPUToQuota / OOM score). */
export function linuxResources(c: Container, qosClass: string, nodeMemory: number): LinuxContainerResources {
  const cpuRequest = milli(c.resources?.requests?.cpu) ?? milli(c.resources?.limits?.cpu);
  const cpuLimit = milli(c.resources?.limits?.cpu);
  const memLimit = milli(c.resources?.limits?.memory);
  const memRequest = milli(c.resources?.requests?.memory) ?? memLimit;
  const r: LinuxContainerResources = { cpuShares: milliCpuToShares(cpuRequest), cpuPeriod: QUOTA_PERIOD };
  const quota = milliCpuToQuota(cpuLimit);
  if (quota !== undefined) r.cpuQuota = quota;
  if (memLimit !== undefined) r.memoryLimitInBytes = Math.floor(memLimit / 1000);
  r.oomScoreAdj = oomScoreAdj(qosClass, memRequest === undefined ? 0 : memRequest / 1000, nodeMemory);
  return r;
}

/** Upstream's policy: Guaranteed -997, BestEffort 1000, Burstable by share of the node's memory. */
function oomScoreAdj(qos: string, memoryRequest: number, nodeMemory: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = nodeMemory > 0 ? 1000 - Math.floor((1000 * memoryRequest) / nodeMemory) : 999;
  return Math.min(999, Math.max(2, adj));
}

// Upstream's default masked and read-only /proc and /sys paths for unprivileged containers.
const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function securityContext(pod: PodObject, sc: SecurityContext | undefined): LinuxContainerSecurityContext {
  const psc = pod.spec.securityContext;
  const runAsUser = sc?.runAsUser ?? psc?.runAsUser;
  const runAsGroup = sc?.runAsGroup ?? psc?.runAsGroup;
  const privileged = !!sc?.privileged;
  return {
    namespaceOptions: namespaces(pod),
    ...(runAsUser !== undefined ? { runAsUser: { value: runAsUser } } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup: { value: runAsGroup } } : {}),
    supplementalGroups: [...(psc?.supplementalGroups ?? []), ...(psc?.fsGroup !== undefined ? [psc.fsGroup] : [])],
    readonlyRootfs: !!sc?.readOnlyRootFilesystem,
    privileged,
    noNewPrivs: sc?.allowPrivilegeEscalation === false,
    capabilities: { addCapabilities: sc?.capabilities?.add ?? [], dropCapabilities: sc?.capabilities?.drop ?? [] },
    maskedPaths: privileged || sc?.procMount === 'Unmasked' ? [] : MASKED_PATHS,
    readonlyPaths: privileged || sc?.procMount === 'Unmasked' ? [] : READONLY_PATHS,
  };
}
