// The k8ts command line: one binary, one subcommand per component.
import { runControllerManagerCommand } from './controller-manager-command.js';
import { runSampleApiServerCommand } from './sample-apiserver-command.js';
import { runSampleConversionWebhookCommand } from './sample-conversion-webhook-command.js';
import { runCsiHostPathCommand } from './csi-hostpath-command.js';
import { runCsiSidecarCommand } from './csi-sidecar-command.js';
import { runSchedulerCommand } from './scheduler-command.js';
import { runSimNodesCommand } from './sim-nodes-command.js';
import { FlagError } from './flags.js';
import { runKubectl } from './kubectl-command.js';
import { runLogsCommand } from './logs-command.js';
import { runHistoryCommand } from './history-command.js';
import { runWhyCommand } from './why-command.js';
import { JoinError } from '../agent/join.js';
import { startAgent } from './agent-command.js';
import { startServer, StartupError } from './server-command.js';
import { runTeardown } from './teardown-command.js';
import { runEtcdMember } from './etcd-member-command.js';
import { runEtcdSnapshot } from './etcd-snapshot-command.js';
import { runSqliteSnapshot } from './snapshot-command.js';
import { StorageError } from '../storage/types.js';
import { errorMessage } from '../util/error-message.js';

const HELP = `k8ts — Kubernetes in TypeScript

Usage: k8ts <command> [flags]

Commands:
  server               start a cluster: API server, control plane and this machine as its first node
  agent                join this machine to a cluster as a node
  controller-manager   run the built-in controllers against an API server
  scheduler            run the scheduler against an API server
  sim-nodes            register simulated nodes that play the kubelet
  sample-apiserver     a small extension API server (echo.k8ts.io) to serve through API aggregation
  sample-conversion-webhook  a small CRD conversion webhook (v1 spec.size <-> v2 spec.sizeBytes)
  kubectl              run kubectl against the local cluster
  logs search QUERY    search the collected container logs (also of deleted pods)
  history              the recorded writes of an object: who, when, how, and diffs
  why KIND/NAME        why an object is as it is: scheduling per node, containers, rollout, endpoints
  etcd-snapshot        save, list, delete or restore snapshots of the embedded etcd (--cluster-init)
  etcd-member          list the embedded etcd cluster's members, or remove a retired server's
  snapshot             save, list or restore snapshots of the SQLite state
  csi-hostpath         run the reference hostpath CSI driver (as a DaemonSet's container)
  csi-sidecar          provision, attach and resize for a CSI driver (as a container of its pod)
  killall              stop this machine's node: k8ts, containerd, pods, pod network, mounts, cgroups
  uninstall            killall, then delete the data dir

Run 'k8ts <command> --help' for a command's flags.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'server': {
      const running = await startServer(args);
      if (!running) return 0;
      console.log(`k8ts server is running at ${running.url}`);
      console.log(`kubeconfig: ${running.kubeconfigPath}`);
      if (running.nodeName) console.log(`node: ${running.nodeName}`);
      console.log(`try: kubectl --kubeconfig ${running.kubeconfigPath} get nodes`);
      await untilSignal(() => running.stop());
      return 0;
    }
    case 'agent': {
      const running = await startAgent(args);
      if (!running) return 0;
      console.log(`k8ts agent is running: node ${running.nodeName}`);
      await untilSignal(() => running.stop());
      return 0;
    }
    case 'controller-manager':
      return runControllerManagerCommand(args);
    case 'scheduler':
      return runSchedulerCommand(args);
    case 'sim-nodes':
      return runSimNodesCommand(args);
    case 'sample-apiserver':
      return runSampleApiServerCommand(args);
    case 'sample-conversion-webhook':
      return runSampleConversionWebhookCommand(args);
    case 'kubectl':
      return runKubectl(args);
    case 'logs':
      return runLogsCommand(args);
    case 'history':
      return runHistoryCommand(args);
    case 'why':
      return runWhyCommand(args);
    case 'etcd-snapshot':
      return runEtcdSnapshot(args);
    case 'etcd-member':
      return runEtcdMember(args);
    case 'snapshot':
      return runSqliteSnapshot(args);
    case 'csi-hostpath':
      return runCsiHostPathCommand(args);
    case 'csi-sidecar':
      return runCsiSidecarCommand(args);
    case 'killall':
    case 'uninstall':
      return runTeardown(command, args);
    case undefined: case 'help': case '--help': case '-h':
      console.log(HELP);
      return command === undefined ? 2 : 0;
    default:
      throw new FlagError(`unknown command "${command}"; run 'k8ts --help'`);
  }
}

/** Waits for SIGINT or SIGTERM, then stops gracefully. */
function untilSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>(resolve => {
    const shutdown = () => void stop().catch((err: unknown) => process.stderr.write(`k8ts: stopping: ${errorMessage(err)}\n`)).finally(resolve);
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

main(process.argv.slice(2)).then(code => process.exit(code), (err: unknown) => {
  if (err instanceof FlagError || err instanceof StartupError || err instanceof JoinError || err instanceof StorageError) {
    process.stderr.write(`k8ts: ${err.message}\n`);
    process.exit(err instanceof FlagError ? 2 : 1);
  }
  process.stderr.write(`k8ts: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
