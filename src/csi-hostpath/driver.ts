// The reference CSI driver of k8ts, hostpath-style: volumes are directories under its data dir on
// the node it runs on. One process serves the CSI Identity, Controller and Node services on its
// endpoint and, given the kubelet's plugins_registry directory, registers itself with the kubelet
// as node-driver-registrar would. Deployed as a DaemonSet (deploy/daemonset.yaml), or run on a
// host with `k8ts csi-hostpath`.
import { statfsSync, mkdirSync } from 'node:fs';
import { csiPackage } from '../client/csi/protocol.js';
import type { ControllerHandlers } from '../client/csi/types.js';
import { Limiter } from '../util/limiter.js';
import type { Logger } from '../util/log.js';
import type { DriverContext } from './context.js';
import { controllerService } from './controller.js';
import { UnixGrpcServer } from './grpc-server.js';
import { identityService } from './identity.js';
import { nodeService } from './node.js';
import { Registrar } from './registrar.js';
import { VolumeStore } from './volume-store.js';

export const VENDOR_VERSION = '1.0.0';

export interface HostPathDriverOptions {
  driverName: string;
  nodeId: string;
  /** The CSI socket (`unix:///path` or `/path`). */
  endpoint: string;
  /** Volumes and the state file live here. */
  dataDir: string;
  /** Total capacity for volumes; default the size of the data dir's filesystem. */
  capacityBytes?: number;
  /** Largest single volume; default the total capacity. */
  maxVolumeSizeBytes?: number;
  maxVolumesPerNode?: number;
  enableAttach?: boolean;
  /** Register with the kubelet: its plugins_registry dir (as seen here) and this driver's socket as the kubelet sees it. */
  registration?: { registrationDir: string; kubeletRegistrationPath: string };
  log: Logger;
}

export class HostPathDriver {
  private readonly grpc: UnixGrpcServer;
  private readonly registrar?: Registrar;
  readonly context: DriverContext;

  constructor(o: HostPathDriverOptions) {
    mkdirSync(o.dataDir, { recursive: true });
    const fs = statfsSync(o.dataDir);
    const capacityBytes = o.capacityBytes ?? fs.blocks * fs.bsize;
    this.context = {
      name: o.driverName, vendorVersion: VENDOR_VERSION, nodeId: o.nodeId, store: new VolumeStore(o.dataDir), lock: new Limiter(1),
      capacityBytes, maxVolumeSizeBytes: o.maxVolumeSizeBytes ?? capacityBytes, maxVolumesPerNode: o.maxVolumesPerNode ?? 0,
      enableAttach: !!o.enableAttach, log: o.log,
    };
    this.grpc = new UnixGrpcServer(o.endpoint);
    const csi = csiPackage();
    this.grpc.server.addService(csi.Identity.service, identityService(this.context));
    this.grpc.server.addService(csi.Controller.service, controllerService(this.context) as ControllerHandlers);
    this.grpc.server.addService(csi.Node.service, nodeService(this.context));
    if (o.registration) this.registrar = new Registrar({ driverName: o.driverName, ...o.registration, log: o.log });
  }

  /** Serves the CSI socket, then offers the registration socket (the kubelet calls the CSI socket as soon as it registers). */
  async start(): Promise<void> {
    await this.grpc.start();
    await this.registrar?.start();
    this.context.log('CSI driver serving', { driver: this.context.name, node: this.context.nodeId, endpoint: this.grpc.path, registration: this.registrar?.socket });
  }

  get registration(): Registrar | undefined {
    return this.registrar;
  }

  async stop(): Promise<void> {
    await this.registrar?.stop();
    await this.grpc.stop();
  }
}
