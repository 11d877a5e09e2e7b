// `k8ts sample-apiserver`: the small extension API server of src/sample-apiserver, to register
// with an APIService (see README "API aggregation"). It reads the cluster's
// extension-apiserver-authentication ConfigMap with --kubeconfig, or in a pod with its service account.
import { readFileSync } from 'node:fs';
import { inClusterConfig, loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { loadRequestHeaderConfig, startSampleApiServer } from '../sample-apiserver/server.js';
import { logger } from '../util/log.js';
import { commandFlags, FlagError, type FlagSpec } from './flags.js';
import { waitForSignal } from './signals.js';

const flags: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the cluster (default: in-cluster service account)' },
  'tls-cert-file': { type: 'string', help: 'PEM serving certificate (the APIService caBundle must trust it)' },
  'tls-private-key-file': { type: 'string', help: 'PEM key of the serving certificate' },
  'secure-port': { type: 'int', default: 443, help: 'HTTPS port' },
  'bind-address': { type: 'string', default: '0.0.0.0', help: 'address to listen on' },
  help: { type: 'bool', help: 'show this help' },
};

export async function runSampleApiServerCommand(args: string[]): Promise<number> {
  const f = commandFlags('sample-apiserver', 'Serves echo.k8ts.io/v1 behind the API server (API aggregation), answering who called.', args, flags);
  if (!f) return 0;
  if (!f['tls-cert-file'] || !f['tls-private-key-file']) throw new FlagError('--tls-cert-file and --tls-private-key-file are required');
  const client = new RestClient(f.kubeconfig ? loadKubeconfig(String(f.kubeconfig)) : inClusterConfig(), 'k8ts-sample-apiserver');
  const log = logger('sample-apiserver');
  const requestHeader = await loadRequestHeaderConfig(client);
  client.close();
  const { server, port } = await startSampleApiServer({
    cert: readFileSync(String(f['tls-cert-file']), 'utf8'), key: readFileSync(String(f['tls-private-key-file']), 'utf8'),
    port: Number(f['secure-port']), bindAddress: String(f['bind-address']), requestHeader,
  });
  log('serving', { port, groupVersion: 'echo.k8ts.io/v1' });
  await waitForSignal();
  server.closeAllConnections();
  server.close();
  return 0;
}
