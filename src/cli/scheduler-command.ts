// `k8ts scheduler --kubeconfig FILE`: the scheduler as its own process, leader-elected on the
// kube-system/kube-scheduler Lease so that of several replicas exactly one schedules.
import { RestClient } from '../client/rest-client.js';
import { leaderElected } from '../client/leader-election.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { logger } from '../util/log.js';
import { commandFlags, FlagError, type FlagSpec } from './flags.js';
import { waitForSignal } from './signals.js';
import { kubeconfigWithServers, serversFlag } from './server-list.js';
import { METRICS_BIND_ADDRESS_FLAG, serveMetricsFlag } from './metrics-flag.js';
import { componentRegistry } from '../metrics/registry.js';
import { SchedulerMetrics } from '../scheduler/scheduler-metrics.js';

const flags: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
  server: serversFlag,
  'leader-elect': { type: 'bool', default: true, help: 'campaign for leadership before scheduling' },
  'lease-name': { type: 'string', default: 'kube-scheduler', help: 'name of the kube-system Lease used for leader election' },
  'leader-elect-lease-duration': { type: 'int', default: 15, help: 'seconds a leader lease lasts without renewal' },
  'scheduler-name': { type: 'string', default: 'default-scheduler', help: 'profiles to serve (spec.schedulerName), comma separated' },
  'scoring-strategy': { type: 'string', default: 'LeastAllocated', help: 'NodeResourcesFit scoring: LeastAllocated or MostAllocated' },
  'percentage-of-nodes-to-score': { type: 'int', default: 0, help: 'share of nodes to find feasible before scoring (0 = adaptive)' },
  'metrics-bind-address': METRICS_BIND_ADDRESS_FLAG,
  help: { type: 'bool', help: 'show this help' },
};

export async function runSchedulerCommand(args: string[]): Promise<number> {
  const f = commandFlags('scheduler', 'Assigns pending pods to nodes.', args, flags);
  if (!f) return 0;
  if (!f.kubeconfig) throw new FlagError('--kubeconfig is required');
  const strategy = String(f['scoring-strategy']);
  if (strategy !== 'LeastAllocated' && strategy !== 'MostAllocated') throw new FlagError(`invalid value "${strategy}" for --scoring-strategy: must be LeastAllocated or MostAllocated`);
  const client = new RestClient(kubeconfigWithServers(String(f.kubeconfig), f.server), 'k8ts-scheduler');
  const log = logger('scheduler');
  const registry = componentRegistry();
  const metricsServer = serveMetricsFlag(String(f['metrics-bind-address']), registry, log);
  const opts = {
    metrics: new SchedulerMetrics(registry),
    schedulerNames: String(f['scheduler-name']).split(',').map(s => s.trim()).filter(Boolean),
    scoringStrategy: strategy as 'LeastAllocated' | 'MostAllocated',
    percentageOfNodesToScore: Number(f['percentage-of-nodes-to-score']),
    log,
  };
  // A fresh Scheduler per term of leadership: a deposed leader's cache and queue are stale.
  let current: Scheduler | undefined;
  const runner = leaderElected(client, String(f['lease-name']), Boolean(f['leader-elect']), Number(f['leader-elect-lease-duration']), {
    start: () => {
      log('started leading');
      current = new Scheduler(client, opts);
      current.start().catch(err => log('scheduler failed to start', { error: String(err) }));
    },
    stop: () => {
      log('stopped leading');
      void current?.stop();
      current = undefined;
    },
  });
  await waitForSignal();
  await runner.stop();
  await current?.stop();
  metricsServer?.close();
  client.close();
  return 0;
}
