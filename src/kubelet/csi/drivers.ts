// The CSI drivers registered on this node (upstream's csiDrivers store): name → the endpoint it
// registered with, the highest CSI version it speaks, and a client for its socket. The volume
// plugin looks drivers up here; a driver that is not registered cannot mount anything.
import { CsiClient, type CsiClientOptions } from '../../client/csi/client.js';
import type { NodeCapability } from '../../client/csi/types.js';

export interface RegisteredDriver {
  name: string;
  endpoint: string;
  /** The highest version it offered, parsed ([major, minor, patch]). */
  version: number[];
  client: CsiClient;
  /** NodeGetCapabilities, asked once per registration. */
  nodeCapabilities?: Set<NodeCapability>;
}

export class DriverNotRegisteredError extends Error {
  constructor(readonly driver: string) {
    super(`driver name ${driver} not found in the list of registered CSI drivers`);
    this.name = 'DriverNotRegisteredError';
  }
}

export class CsiDrivers {
  private readonly drivers = new Map<string, RegisteredDriver>();

  constructor(private readonly clientOptions: CsiClientOptions = {}) {}

  /** Registers (or re-registers, with a new client) a driver. */
  set(name: string, endpoint: string, version: number[]): RegisteredDriver {
    this.drivers.get(name)?.client.close();
    const d: RegisteredDriver = { name, endpoint, version, client: new CsiClient(endpoint, this.clientOptions) };
    this.drivers.set(name, d);
    return d;
  }

  get(name: string): RegisteredDriver | undefined {
    return this.drivers.get(name);
  }

  /** The driver, or a DriverNotRegisteredError. */
  require(name: string): RegisteredDriver {
    const d = this.drivers.get(name);
    if (!d) throw new DriverNotRegisteredError(name);
    return d;
  }

  async nodeCapabilities(name: string): Promise<Set<NodeCapability>> {
    const d = this.require(name);
    d.nodeCapabilities ??= await d.client.nodeCapabilities();
    return d.nodeCapabilities;
  }

  delete(name: string): void {
    this.drivers.get(name)?.client.close();
    this.drivers.delete(name);
  }

  close(): void {
    for (const d of this.drivers.values()) d.client.close();
    this.drivers.clear();
  }
}
