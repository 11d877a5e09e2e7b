// The kubelet's own series on /metrics, with upstream's names, labels and buckets (pkg/kubelet/metrics):
// the node's name, how long pod workers' syncs take, how long pods take to start (from the kubelet
// first seeing them, and the startup SLI from creation, image pulls excluded), pods and containers
// started, and every CRI call by operation (the runtime operation series of upstream's
// instrumented runtime service).

import { Counter, exponentialBuckets, Gauge, Histogram, type Registry } from '../metrics/registry.js';
import type { CriCallObserver } from './cri/client.js';

/** Upstream's pod worker update types: a pod's first sync, a changed pod, a periodic sync, a kill. */
export type PodWorkerOperation = 'create' | 'update' | 'sync' | 'kill';

export type ContainerType = 'container' | 'init_container' | 'ephemeral_container';

/** Upstream's operation_type of each CRI method (pkg/kubelet/kuberuntime/instrumented_services.go). */
const CRI_OPERATIONS: Record<string, string> = {
  Version: 'version', Status: 'status',
  RunPodSandbox: 'run_podsandbox', StopPodSandbox: 'stop_podsandbox', RemovePodSandbox: 'remove_podsandbox',
  PodSandboxStatus: 'podsandbox_status', ListPodSandbox: 'list_podsandbox',
  CreateContainer: 'create_container', StartContainer: 'start_container', StopContainer: 'stop_container',
  RemoveContainer: 'remove_container', ListContainers: 'list_containers', ContainerStatus: 'container_status',
  UpdateContainerResources: 'update_container', ReopenContainerLog: 'reopen_container_log',
  ExecSync: 'exec_sync', Exec: 'exec', Attach: 'attach', PortForward: 'port_forward',
  ContainerStats: 'container_stats', ListContainerStats: 'list_container_stats',
  PodSandboxStats: 'podsandbox_stats', ListPodSandboxStats: 'list_podsandbox_stats',
  ListImages: 'list_images', ImageStatus: 'image_status', PullImage: 'pull_image', RemoveImage: 'remove_image', ImageFsInfo: 'image_fs_info',
};

// client_golang's DefBuckets.
const DEF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Upstream's podStartupDurationBuckets: round numbers in everyday units, for SLO thresholds.
const POD_STARTUP_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

export class KubeletMetrics {
  private readonly podWorker: Histogram<'operation_type'>;
  private readonly podStart: Histogram;
  private readonly podStartSli: Histogram;
  private readonly startedPods: Counter;
  private readonly startedPodsErrors: Counter;
  private readonly startedContainers: Counter<'container_type'>;
  private readonly startedContainersErrors: Counter<'container_type' | 'code'>;
  private readonly runtimeOperations: Counter<'operation_type'>;
  private readonly runtimeDuration: Histogram<'operation_type'>;
  private readonly runtimeErrors: Counter<'operation_type'>;

  constructor(registry: Registry, nodeName: string) {
    const registers = [registry];
    new Gauge({ name: 'kubelet_node_name', labelNames: ['node'], registers, help: '[ALPHA] The node\'s name. The count is always 1.' }).set({ node: nodeName }, 1);
    this.podWorker = new Histogram({
      name: 'kubelet_pod_worker_duration_seconds', labelNames: ['operation_type'], buckets: DEF_BUCKETS, registers,
      help: '[ALPHA] Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync',
    });
    this.podStart = new Histogram({
      name: 'kubelet_pod_start_duration_seconds', buckets: POD_STARTUP_BUCKETS, registers,
      help: '[ALPHA] Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
    });
    this.podStartSli = new Histogram({
      name: 'kubelet_pod_start_sli_duration_seconds', buckets: POD_STARTUP_BUCKETS, registers,
      help: '[ALPHA] Duration in seconds to start a pod, excluding time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch',
    });
    this.startedPods = new Counter({ name: 'kubelet_started_pods_total', registers, help: '[ALPHA] Cumulative number of pods started' });
    this.startedPodsErrors = new Counter({ name: 'kubelet_started_pods_errors_total', registers, help: '[ALPHA] Cumulative number of errors when starting pods' });
    this.startedContainers = new Counter({
      name: 'kubelet_started_containers_total', labelNames: ['container_type'], registers, help: '[ALPHA] Cumulative number of containers started',
    });
    this.startedContainersErrors = new Counter({
      name: 'kubelet_started_containers_errors_total', labelNames: ['container_type', 'code'], registers, help: '[ALPHA] Cumulative number of errors when starting containers',
    });
    this.runtimeOperations = new Counter({
      name: 'kubelet_runtime_operations_total', labelNames: ['operation_type'], registers, help: '[ALPHA] Cumulative number of runtime operations by operation type.',
    });
    this.runtimeDuration = new Histogram({
      name: 'kubelet_runtime_operations_duration_seconds', labelNames: ['operation_type'], buckets: exponentialBuckets(0.005, 2.5, 14), registers,
      help: '[ALPHA] Duration in seconds of runtime operations. Broken down by operation type.',
    });
    this.runtimeErrors = new Counter({
      name: 'kubelet_runtime_operations_errors_total', labelNames: ['operation_type'], registers, help: '[ALPHA] Cumulative number of runtime operation errors by operation type.',
    });
  }

  /** Given to the CRI clients: records each call as its upstream operation. */
  readonly runtimeCall: CriCallObserver = (method, startedMs, failed) => {
    const labels = { operation_type: CRI_OPERATIONS[method] ?? method };
    this.runtimeOperations.inc(labels);
    this.runtimeDuration.observe(labels, (performance.now() - startedMs) / 1000);
    if (failed) this.runtimeErrors.inc(labels);
  };

  /** A pod worker's sync ended; `startedMs` is a performance.now() reading. */
  podSynced(operation: PodWorkerOperation, startedMs: number): void {
    this.podWorker.observe({ operation_type: operation }, (performance.now() - startedMs) / 1000);
  }

  podStartDuration(seconds: number): void {
    this.podStart.observe(seconds);
  }

  podStartSliDuration(seconds: number): void {
    this.podStartSli.observe(seconds);
  }

  /** A pod sandbox is about to be created (upstream counts the attempt, then its failure). */
  podStarting(): void {
    this.startedPods.inc();
  }

  podStartFailed(): void {
    this.startedPodsErrors.inc();
  }

  /** A container is about to be started (image, create, start): counted whatever the outcome. */
  containerStarting(type: ContainerType): void {
    this.startedContainers.inc({ container_type: type });
  }

  /** `code` is the reason the start failed (ErrImagePull, CreateContainerError, RunContainerError, ...), as upstream's. */
  containerStartFailed(type: ContainerType, code: string): void {
    this.startedContainersErrors.inc({ container_type: type, code });
  }
}
