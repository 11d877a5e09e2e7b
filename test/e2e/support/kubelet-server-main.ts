// A KubeletServer in its own process, so a test can start it inside a node's network namespace
// (where containerd's stream server listens). Usage:
//   node kubelet-server-main.js RUNTIME_ENDPOINT CLIENT_CA_FILE NODE_NAME BIND_ADDRESS KUBECONFIG
// (KUBECONFIG: the credentials it asks the API server's TokenReview and SubjectAccessReview with).
// Prints `listening on PORT` once serving; stops on SIGTERM.
import { readFileSync } from 'node:fs';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { RuntimeClient } from '../../../src/kubelet/cri/client.js';
import { apiReviewClient } from '../../../src/kubelet/server/review-client.js';
import { KubeletServer } from '../../../src/kubelet/server/server.js';

const [endpoint, caFile, nodeName, bindAddress, kubeconfig] = process.argv.slice(2);
const runtime = new RuntimeClient(endpoint);
const client = new RestClient(loadKubeconfig(kubeconfig), 'kubelet-server-main');
const server = new KubeletServer({
  port: 0, bindAddress, clientCA: readFileSync(caFile, 'utf8'), runtime, nodeName, servingAddresses: [bindAddress], reviews: apiReviewClient(client),
  log: (msg, fields) => console.error(JSON.stringify({ msg, ...fields })),
});
const port = await server.start();
console.log(`listening on ${port}`);
process.once('SIGTERM', () => {
  void server.stop().then(() => {
    runtime.close();
    client.close();
    process.exit(0);
  });
});
