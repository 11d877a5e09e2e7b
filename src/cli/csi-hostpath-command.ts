// `k8ts csi-hostpath`: the reference CSI driver (src/csi-hostpath/), normally the container of a
// DaemonSet pod; flags follow upstream's csi-driver-host-path and node-driver-registrar.
import { hostname } from 'node:os';
import { milliValue, parseQuantity } from '../api/quantity.js';
import { DEFAULT_DRIVER_NAME } from '../csi-hostpath/capabilities.js';
import { HostPathDriver } from '../csi-hostpath/driver.js';
import { logger } from '../util/log.js';
import { commandFlags, FlagError, type FlagSpec } from './flags.js';
import { waitForSignal } from './signals.js';

const flags: Record<string, FlagSpec> = {
  endpoint: { type: 'string', default: 'unix:///csi/csi.sock', help: 'CSI socket to serve' },
  drivername: { type: 'string', default: DEFAULT_DRIVER_NAME, help: 'CSI driver name (the StorageClass provisioner and CSIDriver name)' },
  nodeid: { type: 'string', help: 'node id reported by NodeGetInfo (default: the host name)' },
  datadir: { type: 'string', default: '/csi-data-dir', help: 'where volumes and the driver state are kept' },
  capacity: { type: 'string', help: 'total capacity for volumes, a quantity such as 10Gi (default: the size of the data dir filesystem)' },
  'max-volume-size': { type: 'string', help: 'largest single volume, a quantity (default: the capacity)' },
  'max-volumes-per-node': { type: 'int', default: 0, help: 'NodeGetInfo max_volumes_per_node (0: no limit)' },
  'enable-attach': { type: 'bool', default: false, help: 'offer ControllerPublish/Unpublish (the CSIDriver must then have attachRequired: true)' },
  'registration-dir': { type: 'string', help: 'the kubelet plugins_registry directory as seen here; registers with the kubelet when set' },
  'kubelet-registration-path': { type: 'string', help: 'the CSI socket path as the kubelet sees it (default: the --endpoint path)' },
  help: { type: 'bool', help: 'show this help' },
};

function bytes(flag: string, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return Number(milliValue(parseQuantity(String(value))) / 1000n);
  } catch {
    throw new FlagError(`invalid value "${String(value)}" for --${flag}: must be a quantity such as 10Gi`);
  }
}

export async function runCsiHostPathCommand(args: string[]): Promise<number> {
  const f = commandFlags('csi-hostpath', 'Runs the reference hostpath CSI driver (Identity, Controller and Node services) and registers it with the kubelet.', args, flags);
  if (!f) return 0;
  const endpoint = String(f.endpoint);
  const registrationDir = f['registration-dir'] ? String(f['registration-dir']) : undefined;
  const driver = new HostPathDriver({
    driverName: String(f.drivername),
    nodeId: f.nodeid ? String(f.nodeid) : hostname(),
    endpoint,
    dataDir: String(f.datadir),
    capacityBytes: bytes('capacity', f.capacity),
    maxVolumeSizeBytes: bytes('max-volume-size', f['max-volume-size']),
    maxVolumesPerNode: Number(f['max-volumes-per-node']),
    enableAttach: Boolean(f['enable-attach']),
    registration: registrationDir ? { registrationDir, kubeletRegistrationPath: f['kubelet-registration-path'] ? String(f['kubelet-registration-path']) : endpoint.replace(/^unix:\/\//, '') } : undefined,
    log: logger('csi-hostpath'),
  });
  await driver.start();
  await waitForSignal();
  await driver.stop();
  return 0;
}
