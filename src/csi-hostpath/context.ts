// What every service of the hostpath driver shares: its identity, the node it runs on, its volumes
// and the one lock that serializes changes to them (CSI lets a CO send concurrent calls; the spec
// allows ABORTED for a volume already being worked on, but queueing is simpler for callers).
import type { Limiter } from '../util/limiter.js';
import type { Logger } from '../util/log.js';
import type { VolumeStore } from './volume-store.js';

export interface DriverContext {
  name: string;
  vendorVersion: string;
  nodeId: string;
  store: VolumeStore;
  lock: Limiter;
  /** What all volumes together may use. */
  capacityBytes: number;
  /** The largest single volume. */
  maxVolumeSizeBytes: number;
  /** NodeGetInfo's max_volumes_per_node (0: no limit). */
  maxVolumesPerNode: number;
  /** Advertise and serve ControllerPublish/Unpublish (the CSIDriver then has attachRequired). */
  enableAttach: boolean;
  log: Logger;
}

