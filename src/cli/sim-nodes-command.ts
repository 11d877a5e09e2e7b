// `k8ts sim-nodes --kubeconfig FILE --count N`: simulated nodes that register, heartbeat and run
// pods through the API, for clusters without machines (tests, benchmarks, capacity what-ifs).
import { ServerList, startServerDiscovery } from '../client/server-discovery.js';
import { RestClient } from '../client/rest-client.js';
import { DEFAULTS, OptionError, parseLabels, parseTaints, type SimNodeOptions } from '../simnodes/options.js';
import { SimNodes } from '../simnodes/sim-nodes.js';
import { logger } from '../util/log.js';
import { commandFlags, durationFlagMs, FlagError, type FlagSpec } from './flags.js';
import { waitForSignal } from './signals.js';
import { kubeconfigWithServers, serversFlag } from './server-list.js';

const flags: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the API server' },
  server: serversFlag,
  count: { type: 'int', default: DEFAULTS.count, help: 'number of nodes' },
  'name-prefix': { type: 'string', default: DEFAULTS.namePrefix, help: 'node names are PREFIX0, PREFIX1, ...' },
  cpu: { type: 'string', default: DEFAULTS.cpu, help: 'cpu capacity per node' },
  memory: { type: 'string', default: DEFAULTS.memory, help: 'memory capacity per node' },
  pods: { type: 'string', default: DEFAULTS.pods, help: 'pod capacity per node' },
  'ephemeral-storage': { type: 'string', default: DEFAULTS.ephemeralStorage, help: 'ephemeral-storage capacity per node' },
  labels: { type: 'string', default: '', help: 'extra node labels, k=v,...' },
  taints: { type: 'string', default: '', help: 'node taints, k=v:Effect,...' },
  zones: { type: 'string', default: DEFAULTS.zones.join(','), help: 'topology.kubernetes.io/zone values the nodes are spread over' },
  'job-duration': { type: 'string', default: '2s', help: 'how long Job pods (restartPolicy Never/OnFailure) run before succeeding' },
  'stop-heartbeat-file': { type: 'string', help: 'file listing node names (or *) that stop heartbeating; polled every second. SIGUSR1/SIGUSR2 stop/resume all' },
  concurrency: { type: 'int', default: DEFAULTS.concurrency, help: 'maximum API requests in flight' },
  'shared-identity': { type: 'bool', default: false, help: 'every node writes with this kubeconfig\'s identity instead of its own system:node:<name> certificate (one connection for the fleet: for very large fleets)' },
  help: { type: 'bool', help: 'show this help' },
};

export function simNodeOptions(f: Record<string, string | number | boolean | undefined>): SimNodeOptions {
  try {
    const zones = String(f.zones).split(',').map(s => s.trim()).filter(Boolean);
    const count = Number(f.count);
    if (count < 1) throw new OptionError('--count must be at least 1');
    return {
      ...DEFAULTS, count, namePrefix: String(f['name-prefix']),
      cpu: String(f.cpu), memory: String(f.memory), pods: String(f.pods), ephemeralStorage: String(f['ephemeral-storage']),
      labels: parseLabels(String(f.labels)), taints: parseTaints(String(f.taints)),
      zones: zones.length ? zones : DEFAULTS.zones, jobDurationMs: durationFlagMs(f, 'job-duration'),
      concurrency: Math.max(1, Number(f.concurrency)), nodeIdentities: !f['shared-identity'],
    };
  } catch (err) {
    if (err instanceof OptionError) throw new FlagError(err.message);
    throw err;
  }
}

export async function runSimNodesCommand(args: string[]): Promise<number> {
  const f = commandFlags('sim-nodes', 'Registers simulated nodes that heartbeat and run pods through the API.', args, flags);
  if (!f) return 0;
  if (!f.kubeconfig) throw new FlagError('--kubeconfig is required');
  const o = simNodeOptions(f);
  const config = kubeconfigWithServers(String(f.kubeconfig), f.server);
  // The nodes fail over to the servers listed in the kubernetes Endpoints too.
  const servers = new ServerList([config.server, ...(config.failoverServers ?? [])]);
  const client = new RestClient({ ...config, serverList: servers }, 'k8ts-sim-nodes');
  const log = logger('sim-nodes');
  const stopDiscovery = startServerDiscovery(client, servers, log);
  const sim = new SimNodes(client, o, log, f['stop-heartbeat-file'] as string | undefined);
  const signalled = waitForSignal();
  const started = Date.now();
  await Promise.race([sim.start(), signalled]);
  log('nodes registered', { count: o.count, prefix: o.namePrefix, ms: Date.now() - started });
  await signalled;
  stopDiscovery();
  sim.stop();
  client.close();
  return 0;
}
