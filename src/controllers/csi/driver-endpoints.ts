// How the controller manager reaches a CSI driver's controller service: the driver runs as a pod
// (DaemonSet or Deployment) that puts its socket on a hostPath under the kubelet's plugins
// directory, `<kubelet-root>/plugins/<dir>/csi.sock`. The controller manager serves the drivers
// whose socket is on its own machine: `<dir>` named after the driver (the usual layout) or any
// other directory whose socket names the driver in GetPluginInfo (e.g. csi-hostpath's
// `plugins/csi-hostpath/` for hostpath.csi.k8s.io). Drivers whose socket is elsewhere are left to
// whoever runs beside them (`k8ts csi-sidecar` in the driver's pod); see README "CSI drivers".
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CsiClient, isCsiError } from '../../client/csi/client.js';
import type { ControllerCapability, PluginCapability } from '../../client/csi/types.js';
import { errorMessage } from '../../util/error-message.js';

/** What the sidecars need of a driver: its client and what it can do. */
export interface DriverConnection {
  driver: string;
  client: CsiClient;
  plugin: Set<PluginCapability>;
  controller: Set<ControllerCapability>;
  /** The plugin's VolumeExpansion capability (ONLINE / OFFLINE), if it has one. */
  volumeExpansion?: string;
}

/** The driver's socket exists here but nothing answers on it (or it answers garbage). */
export class DriverUnreachableError extends Error {}

export interface DriverEndpoints {
  /** Whether this process serves `driver`: its socket is reachable from here. */
  serves(driver: string): Promise<boolean>;
  /** Connects (or reuses a connection) and reads the capabilities; throws DriverUnreachableError. */
  connect(driver: string): Promise<DriverConnection>;
  close(): void;
}

const CAPABILITY_TTL_MS = 30_000;
/** How often work for a driver not served here is looked at again: its socket may appear (a driver pod starting). */
export const NOT_SERVED_RETRY_MS = 15_000;
const PROBE_TIMEOUT_MS = 5_000;
const RESCAN_MS = 15_000;
/** A socket that does not name its driver within this is skipped until the next scan. */
const SCAN_PROBE_TIMEOUT_MS = 2_000;

interface Cached { conn: DriverConnection; at: number }

/** One driver's socket at a known path (`k8ts csi-sidecar --csi-address`), or any number found in a plugins dir. */
abstract class SocketEndpoints implements DriverEndpoints {
  private readonly cache = new Map<string, Cached>();

  constructor(protected readonly callTimeoutMs: number) {}

  abstract socketOf(driver: string): Promise<string | undefined>;

  async serves(driver: string): Promise<boolean> {
    return (await this.socketOf(driver)) !== undefined;
  }

  async connect(driver: string): Promise<DriverConnection> {
    const socket = await this.socketOf(driver);
    if (!socket) throw new DriverUnreachableError(`no socket of CSI driver ${driver} on this machine`);
    const hit = this.cache.get(socket);
    if (hit && hit.conn.driver === driver && Date.now() - hit.at < CAPABILITY_TTL_MS) return hit.conn;
    const client = hit?.conn.client ?? new CsiClient(socket, { timeoutMs: this.callTimeoutMs });
    try {
      const caps = await client.identity.call('GetPluginCapabilities', {}, { timeoutMs: PROBE_TIMEOUT_MS });
      const plugin = new Set<PluginCapability>();
      let volumeExpansion: string | undefined;
      for (const c of caps.capabilities) {
        if (c.service) plugin.add(c.service.type);
        if (c.volumeExpansion) volumeExpansion = c.volumeExpansion.type;
      }
      const controller = plugin.has('CONTROLLER_SERVICE') ? await client.controllerCapabilities({ timeoutMs: PROBE_TIMEOUT_MS }) : new Set<ControllerCapability>();
      const conn = { driver, client, plugin, controller, volumeExpansion };
      this.cache.set(socket, { conn, at: Date.now() });
      return conn;
    } catch (err) {
      client.close();
      this.cache.delete(socket);
      const why = errorMessage(err);
      throw new DriverUnreachableError(`CSI driver ${driver} does not answer on ${socket}: ${why}`);
    }
  }

  close(): void {
    for (const { conn } of this.cache.values()) conn.client.close();
    this.cache.clear();
  }
}

/** The controller manager's: every driver socket under `<kubelet-root>/plugins` on this machine. */
export class LocalPluginSockets extends SocketEndpoints {
  /** Socket path → driver name, for sockets outside a directory named after their driver. */
  private named = new Map<string, string>();
  private scannedAt = 0;
  private scanning?: Promise<void>;

  constructor(private readonly pluginsDir: string, callTimeoutMs = 30_000) {
    super(callTimeoutMs);
  }

  async socketOf(driver: string): Promise<string | undefined> {
    const conventional = join(this.pluginsDir, driver, 'csi.sock');
    if (existsSync(conventional)) return conventional;
    if (Date.now() - this.scannedAt > RESCAN_MS) await this.rescan();
    for (const [socket, name] of this.named) if (name === driver && existsSync(socket)) return socket;
    return undefined;
  }

  /** Asks each other socket for its driver name (GetPluginInfo), at most every RESCAN_MS. */
  private rescan(): Promise<void> {
    this.scanning ??= (async () => {
      this.scannedAt = Date.now();
      const found = new Map<string, string>();
      const dirs = existsSync(this.pluginsDir) ? readdirSync(this.pluginsDir, { withFileTypes: true }).filter(d => d.isDirectory()) : [];
      await Promise.all(dirs.map(async d => {
        const socket = join(this.pluginsDir, d.name, 'csi.sock');
        if (!existsSync(socket)) return;
        const known = this.named.get(socket);
        if (known) { found.set(socket, known); return; }
        const client = new CsiClient(socket, { timeoutMs: SCAN_PROBE_TIMEOUT_MS });
        try {
          const info = await client.identity.call('GetPluginInfo', {});
          if (info.name && info.name !== d.name) found.set(socket, info.name);
        } catch (err) {
          if (!isCsiError(err)) throw err;
        } finally {
          client.close();
        }
      }));
      this.named = found;
    })().finally(() => { this.scanning = undefined; });
    return this.scanning;
  }
}

/** `k8ts csi-sidecar`'s: the one driver whose socket the sidecar container shares with it. */
export class SingleDriverSocket extends SocketEndpoints {
  constructor(private readonly driver: string, private readonly socket: string, callTimeoutMs = 30_000) {
    super(callTimeoutMs);
  }

  async socketOf(driver: string): Promise<string | undefined> {
    return driver === this.driver ? this.socket : undefined;
  }
}
