// The kubelet's heartbeats: the node Lease renewed every 10 s (a quarter of its 40 s duration), and
// the Node status recomputed every 10 s but posted only when it changed or every 5 minutes
// (upstream's nodeStatusUpdateFrequency and nodeStatusReportFrequency). The status is compared with
// the Node as the API has it, so conditions the node lifecycle controller set to Unknown while we
// were silent are corrected at once.
import { isNotFound } from '../../api/errors.js';
import { nowTimestamp, type KubeObject } from '../../api/object.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectPath, R } from '../../client/resources.js';
import type { Logger } from '../../util/log.js';
import { filesystemUsage, readMachineInfo, readMemory, type MachineInfo } from './machine-info.js';
import type { NodeAddress } from './node-addresses.js';
import { nextLeaseRenewalMs, renewNodeLease } from '../../client/node-lease.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { conditionEventReason, isReady, nodeEventRef, type NodeCondition, type NodeObject } from '../../api/node-object.js';
import { registerNode, type NodeRegistration } from './node-registration.js';
import { composeNodeStatus, statusChanged, type RuntimeFacts } from './node-status.js';

export interface NodeStatusLoopOptions {
  client: RestClient;
  registration: NodeRegistration;
  /** The kubelet's root dir: its filesystem is the node's ephemeral storage. */
  rootDir: string;
  addresses: NodeAddress[];
  kubeletPort: number;
  runtimeFacts: () => Promise<RuntimeFacts>;
  /** Records "Starting kubelet." and each condition change (NodeReady, NodeNotReady, ...). */
  recorder?: EventRecorder;
  log: Logger;
  /** Unique names of the PV-backed volumes the node's pods use (status.volumesInUse). */
  volumesInUse?: () => string[];
  statusIntervalMs?: number;
  leaseIntervalMs?: number;
  reportIntervalMs?: number;
}

export class NodeStatusLoop {
  private readonly machine: MachineInfo = readMachineInfo();
  private lease?: KubeObject;
  private node?: NodeObject;
  private lastPostAt = 0;
  private timers: NodeJS.Timeout[] = [];
  private leaseTimer?: NodeJS.Timeout;
  private leaseInFlight = false;
  private unsubscribeFailover?: () => void;
  private syncing?: Promise<void>;
  private stopped = false;

  constructor(private readonly o: NodeStatusLoopOptions) {}

  get name(): string {
    return this.o.registration.name;
  }

  /** Whether the status we last saw or posted says Ready. */
  get ready(): boolean {
    return isReady(this.node);
  }

  /** Registers the Node, posts its first status and Lease, then keeps both fresh. */
  async start(): Promise<NodeObject> {
    this.o.recorder?.event(nodeEventRef(this.name), 'Normal', 'Starting', 'Starting kubelet.');
    this.node = await registerNode(this.o.client, this.o.registration);
    await this.syncStatus(true);
    await this.renewLease();
    this.scheduleLeaseRenewal(0);
    this.unsubscribeFailover = this.o.client.onFailover(() => this.renewLeaseNow());
    this.timers.push(setInterval(() => void this.sync(), this.o.statusIntervalMs ?? 10_000));
    return this.node!;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    clearTimeout(this.leaseTimer);
    this.unsubscribeFailover?.();
  }

  /** Recomputes the status now (e.g. after the CNI config appeared); never runs twice at once. */
  sync(): Promise<void> {
    this.syncing ??= this.syncStatus(false)
      .catch(err => this.o.log('node status update failed', { error: String(err) }))
      .finally(() => { this.syncing = undefined; });
    return this.syncing;
  }

  /**
   * Renews the Lease every interval; a failed renewal is retried soon (backoff from 200 ms, as
   * upstream's kubelet), so a server that failed over costs the node a second, not a whole interval.
   */
  private scheduleLeaseRenewal(failures: number, delayMs = nextLeaseRenewalMs(this.o.leaseIntervalMs ?? 10_000, failures)): void {
    if (this.stopped) return;
    this.leaseTimer = setTimeout(() => {
      this.leaseInFlight = true;
      void this.renewLease().finally(() => { this.leaseInFlight = false; }).then(
        () => this.scheduleLeaseRenewal(0),
        err => {
          this.o.log('lease renewal failed', { error: String(err) });
          this.scheduleLeaseRenewal(failures + 1);
        },
      );
    }, delayMs);
  }

  /**
   * The client left its server for another: the Lease is renewed through the new one at once, not
   * up to an interval later. A renewal in flight is left to finish (one on the old server fails with
   * its connections, and is retried after 200 ms).
   */
  private renewLeaseNow(): void {
    if (this.stopped || this.leaseInFlight) return;
    clearTimeout(this.leaseTimer);
    this.scheduleLeaseRenewal(0, 0);
  }

  private async renewLease(): Promise<void> {
    if (this.stopped) return;
    this.lease = await renewNodeLease({ client: this.o.client, nodeName: this.name, nodeUid: this.node?.metadata.uid }, this.lease);
  }

  private async syncStatus(force: boolean): Promise<void> {
    if (this.stopped) return;
    const path = objectPath(R.nodes, undefined, this.name);
    let live: NodeObject;
    try {
      live = await this.o.client.get<NodeObject>(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.o.log('node object is gone; registering again', { node: this.name });
      live = await registerNode(this.o.client, this.o.registration);
      this.lease = undefined;
      force = true;
    }
    this.node = live;
    const desired = composeNodeStatus({
      machine: this.machine,
      fs: filesystemUsage(this.o.rootDir),
      memory: readMemory(),
      runtime: await this.o.runtimeFacts(),
      addresses: this.o.addresses,
      kubeletPort: this.o.kubeletPort,
    }, live.status?.conditions, nowTimestamp());
    const inUse = this.o.volumesInUse?.() ?? [];
    if (inUse.length) desired.volumesInUse = inUse;
    // An empty list is left out, as upstream's omitempty does; the last volume going clears it.
    const cleared = !inUse.length && !!live.status?.volumesInUse?.length;
    const due = Date.now() - this.lastPostAt >= (this.o.reportIntervalMs ?? 5 * 60_000);
    if (!force && !due && !cleared && !statusChanged(live.status, desired)) return;
    this.node = await this.o.client.patch<NodeObject>(objectPath(R.nodes, undefined, this.name, 'status'), { status: cleared ? { ...desired, volumesInUse: null } : desired }, 'merge');
    this.lastPostAt = Date.now();
    this.recordTransitions(live.status?.conditions ?? [], desired.conditions ?? []);
  }

  private recordTransitions(before: NodeCondition[], after: NodeCondition[]): void {
    for (const c of after) {
      if (before.find(b => b.type === c.type)?.status === c.status) continue;
      const reason = conditionEventReason(c.type, c.status);
      if (reason) this.o.recorder?.event(nodeEventRef(this.name), 'Normal', reason, `Node ${this.name} status is now: ${reason}`);
    }
  }
}
