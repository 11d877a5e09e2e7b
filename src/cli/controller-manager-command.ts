// `k8ts controller-manager --kubeconfig FILE`: the controllers as their own process, leader-elected
// on the kube-system/kube-controller-manager Lease so that only one replica acts at a time.
import { readFileSync } from 'node:fs';
import { RestClient } from '../client/rest-client.js';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';
import { logger } from '../util/log.js';
import { leaderElected } from '../client/leader-election.js';
import { allControllers } from '../controllers/index.js';
import { ControllerManager } from '../controllers/manager.js';
import { LocalPluginSockets } from '../controllers/csi/driver-endpoints.js';
import { CONTROLLER_NAMESPACE, controllerServiceAccount } from '../controllers/service-accounts.js';
import { ServiceAccountCredentials } from '../client/service-account-credentials.js';
import { waitForSignal } from './signals.js';
import { hpaFlags, hpaSettings } from './hpa-flags.js';
import { signingDurationFlag, signingDurationSeconds } from './signing-duration-flag.js';
import { HpaMetrics } from '../controllers/autoscaling/hpa-metrics.js';
import { kubeconfigWithServers, serversFlag } from './server-list.js';
import { METRICS_BIND_ADDRESS_FLAG, serveMetricsFlag } from './metrics-flag.js';
import { WorkQueueMetrics } from '../client/work-queue-metrics.js';
import { NodeCollectorMetrics } from '../controllers/cluster/node-collector-metrics.js';
import { componentRegistry } from '../metrics/registry.js';

const flags: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
  server: serversFlag,
  'cluster-cidr': { type: 'string', default: '10.42.0.0/16', help: 'pod network range split into per-node pod CIDRs' },
  'root-ca-file': { type: 'string', help: 'CA certificate published to every namespace as kube-root-ca.crt (default: the kubeconfig CA)' },
  'leader-elect': { type: 'bool', default: true, help: 'campaign for leadership before running controllers' },
  'leader-elect-lease-duration': { type: 'int', default: 15, help: 'seconds a leader lease lasts without renewal' },
  'node-monitor-grace-period': { type: 'int', default: 40, help: 'seconds without a node heartbeat before it is NotReady' },
  'disable-servicelb': { type: 'bool', default: false, help: 'do not run the built-in load balancer for LoadBalancer Services' },
  'cluster-signing-cert-file': { type: 'string', help: 'CA certificate the CSR signer signs with (with --cluster-signing-key-file; without them nothing is signed)' },
  'cluster-signing-key-file': { type: 'string', help: 'private key of --cluster-signing-cert-file' },
  'cluster-signing-duration': signingDurationFlag,
  'use-service-account-credentials': { type: 'bool', default: true, help: 'each controller acts as its own service account kube-system/<controller> (tokens from TokenRequest); otherwise all use the kubeconfig\'s identity' },
  'csi-plugins-dir': { type: 'string', help: 'the kubelet plugins dir of this machine (<kubelet-root>/plugins): CSI drivers whose socket is there get the provisioner, attacher and resizer from this process' },
  ...hpaFlags,
  'metrics-bind-address': METRICS_BIND_ADDRESS_FLAG,
  help: { type: 'bool', help: 'show this help' },
};

export async function runControllerManagerCommand(args: string[]): Promise<number> {
  const { flags: f } = parseFlags(args, flags);
  if (f.help) {
    console.log(usage('controller-manager', 'Runs the built-in controllers against an API server.', flags));
    return 0;
  }
  if (!f.kubeconfig) throw new FlagError('--kubeconfig is required');
  const config = kubeconfigWithServers(String(f.kubeconfig), f.server);
  const client = new RestClient(config, 'k8ts-controller-manager');
  const caCert = f['root-ca-file'] ? readFileSync(String(f['root-ca-file']), 'utf8') : config.ca ?? '';
  const log = logger('controller-manager');
  if (!f['cluster-signing-cert-file'] !== !f['cluster-signing-key-file']) throw new FlagError('--cluster-signing-cert-file and --cluster-signing-key-file go together');
  const signingCA = f['cluster-signing-cert-file']
    ? { cert: readFileSync(String(f['cluster-signing-cert-file']), 'utf8'), key: readFileSync(String(f['cluster-signing-key-file']), 'utf8') }
    : undefined;
  const horizontalPodAutoscaler = hpaSettings(f);
  const metrics = componentRegistry();
  const metricsServer = serveMetricsFlag(String(f['metrics-bind-address']), metrics, log);
  const credentials = f['use-service-account-credentials'] ? new ServiceAccountCredentials(client, CONTROLLER_NAMESPACE, 'k8ts-controller-manager', log) : undefined;
  const csiDrivers = f['csi-plugins-dir'] ? new LocalPluginSockets(String(f['csi-plugins-dir'])) : undefined;
  const manager = new ControllerManager(client, allControllers({
    clusterCidr: String(f['cluster-cidr']), caCert, nodeMonitorGracePeriodSeconds: Number(f['node-monitor-grace-period']),
    serviceLB: !f['disable-servicelb'], horizontalPodAutoscaler: { ...horizontalPodAutoscaler, monitor: new HpaMetrics(metrics) }, signingCA, signingDurationSeconds: signingDurationSeconds(f), csiDrivers,
    nodeCollectorMetrics: new NodeCollectorMetrics(metrics),
  }), 'controller-manager', undefined, credentials && (name => credentials.clientFor(controllerServiceAccount(name))), new WorkQueueMetrics(metrics));
  const runner = leaderElected(client, 'kube-controller-manager', Boolean(f['leader-elect']), Number(f['leader-elect-lease-duration']), {
    start: () => { log('started leading'); void manager.start(); },
    stop: () => { log('stopped leading'); manager.stop(); },
  });
  await waitForSignal();
  await runner.stop();
  csiDrivers?.close();
  await credentials?.stop();
  metricsServer?.close();
  client.close();
  return 0;
}
