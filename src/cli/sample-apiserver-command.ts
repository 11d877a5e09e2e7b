// `k8ts sample-apiserver`: the small extension API server of src/sample-apiserver, to register
// with an APIService (see README "API aggregation"). It reads the cluster's
// extension-apiserver-authentication ConfigMap with --kubeconfig, or in a pod with its service account.
import { inClusterConfig, loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { loadRequestHeaderConfig, startSampleApiServer } from '../sample-apiserver/server.js';
import { logger } from '../util/log.js';
import { commandFlags, type FlagSpec } from './flags.js';
import { servingFlags, servingOptions } from './serving-flags.js';
import { waitForSignal } from './signals.js';

const flags: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the cluster (default: in-cluster service account)' },
  ...servingFlags('the APIService caBundle'),
  help: { type: 'bool', help: 'show this help' },
};

export async function runSampleApiServerCommand(args: string[]): Promise<number> {
  const f = commandFlags('sample-apiserver', 'Serves echo.k8ts.io/v1 behind the API server (API aggregation), answering who called.', args, flags);
  if (!f) return 0;
  const serving = servingOptions(f);
  const client = new RestClient(f.kubeconfig ? loadKubeconfig(String(f.kubeconfig)) : inClusterConfig(), 'k8ts-sample-apiserver');
  const log = logger('sample-apiserver');
  const requestHeader = await loadRequestHeaderConfig(client);
  client.close();
  const { server, port } = await startSampleApiServer({ ...serving, requestHeader });
  log('serving', { port, groupVersion: 'echo.k8ts.io/v1' });
  await waitForSignal();
  server.closeAllConnections();
  server.close();
  return 0;
}
