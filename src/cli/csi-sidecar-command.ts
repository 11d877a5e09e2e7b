// `k8ts csi-sidecar`: the external-provisioner, -attacher and -resizer work of the controller
// manager for one CSI driver, as a container in the driver's own pod (sharing its socket dir, as
// upstream's sidecars do). For clusters whose driver controller pod runs on a machine without the
// controller manager; see README "CSI drivers". One replica acts at a time (a Lease per driver).
import { CsiClient, isCsiError } from '../client/csi/client.js';
import { inClusterConfig } from '../client/in-cluster.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { leaderElected } from '../client/leader-election.js';
import { RestClient } from '../client/rest-client.js';
import { csiSidecarControllers } from '../controllers/csi/index.js';
import { sanitizeDriverName } from '../controllers/csi/csi-names.js';
import { SingleDriverSocket } from '../controllers/csi/driver-endpoints.js';
import { ControllerManager } from '../controllers/manager.js';
import { logger } from '../util/log.js';
import { commandFlags, type FlagSpec } from './flags.js';
import { waitForSignal } from './signals.js';

const flags: Record<string, FlagSpec> = {
  'csi-address': { type: 'string', default: '/csi/csi.sock', help: 'the driver\'s CSI socket (shared with the driver container)' },
  kubeconfig: { type: 'string', help: 'kubeconfig of the API server (default: the pod\'s service account, in-cluster)' },
  'leader-election': { type: 'bool', default: true, help: 'act only while holding the driver\'s Lease, so replicas take turns' },
  'leader-election-namespace': { type: 'string', help: 'namespace of the Lease (default: the pod\'s namespace, or kube-system with --kubeconfig)' },
  'leader-election-lease-duration': { type: 'int', default: 15, help: 'seconds a lease lasts without renewal' },
  timeout: { type: 'int', default: 30, help: 'deadline of each CSI call, in seconds' },
  help: { type: 'bool', help: 'show this help' },
};

const RETRY_MS = 2_000;

/** The driver's name from GetPluginInfo, waiting for the driver to start (upstream sidecars wait too). */
async function driverName(socket: string, log: ReturnType<typeof logger>): Promise<string> {
  const client = new CsiClient(socket, { timeoutMs: 5_000 });
  try {
    for (;;) {
      try {
        const info = await client.identity.call('GetPluginInfo', {});
        if (info.name) return info.name;
        log('driver returned an empty name, retrying', { socket });
      } catch (err) {
        if (!isCsiError(err)) throw err;
        log('still connecting to the driver', { socket, error: err.message });
      }
      await new Promise(r => setTimeout(r, RETRY_MS));
    }
  } finally {
    client.close();
  }
}

export async function runCsiSidecarCommand(args: string[]): Promise<number> {
  const f = commandFlags('csi-sidecar', 'Provisions, attaches and resizes volumes of the CSI driver on --csi-address (the CSI sidecars\' work), for a driver whose socket is not on the controller manager\'s machine.', args, flags);
  if (!f) return 0;
  const log = logger('csi-sidecar');
  const inCluster = f.kubeconfig ? undefined : inClusterConfig();
  const client = new RestClient(inCluster?.config ?? loadKubeconfig(String(f.kubeconfig)), 'k8ts-csi-sidecar');
  const socket = String(f['csi-address']);
  const driver = await driverName(socket, log);
  const endpoints = new SingleDriverSocket(driver, socket, Number(f.timeout) * 1000);
  const manager = new ControllerManager(client, csiSidecarControllers(endpoints), 'csi-sidecar');
  const namespace = f['leader-election-namespace'] ? String(f['leader-election-namespace']) : inCluster?.namespace ?? 'kube-system';
  log('serving CSI driver', { driver, socket });
  const runner = leaderElected(client, `csi-sidecar-${sanitizeDriverName(driver)}`, Boolean(f['leader-election']), Number(f['leader-election-lease-duration']), {
    start: () => { log('started leading', { driver }); void manager.start(); },
    stop: () => { log('stopped leading', { driver }); manager.stop(); },
  }, namespace);
  await waitForSignal();
  await runner.stop();
  endpoints.close();
  inCluster?.stop();
  client.close();
  return 0;
}
