// The plugin manager's handler for CSI drivers (type CSIPlugin), as upstream's csi RegistrationHandler:
// a driver is accepted when it speaks a CSI 1.x version and no driver of that name with an equal or
// higher version is registered; registering asks the driver NodeGetInfo and records the answer in
// the CSINode and the Node (node-info.ts). Deregistering undoes both.
import type { Logger } from '../../util/log.js';
import type { PluginHandler } from '../pluginmanager/plugin-watcher.js';
import type { CsiDrivers } from './drivers.js';
import type { NodeInfoManager } from './node-info.js';

/** Upstream's log prefix for everything the CSI volume plugin says. */
export const CSI_LOG_PREFIX = 'kubernetes.io/csi: ';

/** `v1.2.3`, `1.2`, `1` → [1, 2, 3] / [1, 2, 0] / [1, 0, 0]; undefined when not a version. */
export function parseVersion(v: string): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(v.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The highest of the versions the kubelet speaks (1.x), or an error message. */
export function highestSupportedVersion(versions: string[]): number[] | string {
  let best: number[] | undefined;
  for (const v of versions) {
    const parsed = parseVersion(v);
    if (parsed && parsed[0] === 1 && (!best || compareVersions(parsed, best) > 0)) best = parsed;
  }
  return best ?? 'none of the CSI versions reported by this driver are supported (this kubelet speaks 1.x)';
}

export class CsiRegistrationHandler implements PluginHandler {
  constructor(private readonly drivers: CsiDrivers, private readonly nodeInfo: NodeInfoManager, private readonly log: Logger) {}

  validate(name: string, endpoint: string, versions: string[]): string | undefined {
    const why = this.checkVersions('ValidatePlugin', name, versions);
    return typeof why === 'string' ? `validation failed for CSI Driver ${name} at endpoint ${endpoint}: ${why}` : undefined;
  }

  async register(name: string, endpoint: string, versions: string[]): Promise<void> {
    const version = this.checkVersions('RegisterPlugin', name, versions);
    if (typeof version === 'string') throw new Error(version);
    const driver = this.drivers.set(name, endpoint, version);
    try {
      const info = await driver.client.node.call('NodeGetInfo', {});
      await this.nodeInfo.install(name, {
        nodeId: info.nodeId, maxVolumesPerNode: info.maxVolumesPerNode, topology: info.accessibleTopology?.segments ?? {},
      });
    } catch (err) {
      this.drivers.delete(name);
      throw err;
    }
    this.log('CSI driver registered', { driver: name, endpoint, version: version.join('.') });
  }

  async deregister(name: string): Promise<void> {
    this.drivers.delete(name);
    await this.nodeInfo.uninstall(name);
    this.log('CSI driver deregistered', { driver: name });
  }

  /** The version to use, or why the driver is refused (upstream's wording). */
  private checkVersions(caller: string, name: string, versions: string[]): number[] | string {
    if (versions.length === 0) return `${CSI_LOG_PREFIX}${caller} for CSI driver "${name}" failed. Plugin returned an empty list for supported versions`;
    const highest = highestSupportedVersion(versions);
    if (typeof highest === 'string') return `${CSI_LOG_PREFIX}${caller} for CSI driver "${name}" failed. None of the versions specified ${JSON.stringify(versions)} are supported. err=${highest}`;
    const existing = this.drivers.get(name);
    if (existing && caller === 'ValidatePlugin' && compareVersions(existing.version, highest) >= 0) {
      return `${CSI_LOG_PREFIX}${caller} for CSI driver "${name}" failed. Another driver with the same name is already registered with a higher supported version: "${existing.version.join('.')}"`;
    }
    return highest;
  }
}
