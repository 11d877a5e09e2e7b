// API aggregation with the extension server in a pod: `k8ts sample-apiserver` runs from the k8ts
// image in a netns cluster (support/netns-cluster.ts), reads extension-apiserver-authentication with
// its service account (bound to the extension-apiserver-authentication-reader Role, as upstream's
// sample-apiserver is), and serves behind an ordinary Service. The real kubectl finds and reaches
// it through the API server; scaled to zero, its APIService turns unavailable.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { K8TS_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually } from './harness.js';
import { k8tsServerPod, type K8tsServerPod } from './support/k8ts-server-pod.js';
import { NetnsCluster } from './support/netns-cluster.js';

const NS = 'echo-system';

describe('API aggregation: an extension API server in a pod', { timeout: 240_000 }, () => {
  let c: NetnsCluster;
  let server: K8tsServerPod;

  before(async () => {
    server = await k8tsServerPod({ name: 'echo-api', namespace: NS, command: 'sample-apiserver', serviceAccountName: 'echo-api' });
    c = await NetnsCluster.start({ agents: 0, images: [K8TS_IMAGE] });
    await c.waitForReadyNodes(1);
  });

  after(async () => {
    await c?.destroy();
  });

  const row = async () => (await c.k(['get', 'apiservice', 'v1.echo.k8ts.io', '--no-headers'])).trim().split(/\s{2,}/);

  test('deployed like any extension server: Available, discovered, reached as the caller; gone with its pods', async () => {
    await c.k(['create', 'namespace', NS]);
    await c.k(['create', 'serviceaccount', 'echo-api', '-n', NS]);
    await c.k(['create', 'rolebinding', 'echo-api-auth-reader', '-n', 'kube-system', '--role=extension-apiserver-authentication-reader', `--serviceaccount=${NS}:echo-api`]);
    await c.k(['apply', '-f', '-'], [server.manifests, stringify({
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.echo.k8ts.io' },
      spec: { group: 'echo.k8ts.io', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, service: { namespace: NS, name: 'echo-api' }, caBundle: server.caBundle },
    })].join('---\n'));
    await eventually(async () => (await row())[2] === 'True', 150_000, 'the APIService to become Available');
    assert.equal((await row())[1], `${NS}/echo-api`);
    assert.match(await c.k(['api-resources', '--api-group=echo.k8ts.io']), /^echoes\s+echo\.k8ts\.io\/v1\s+false\s+Echo$/m);
    assert.match(await c.k(['get', 'echoes']), /^you\s+admin\s+system:masters,system:authenticated$/m);

    await c.k(['scale', 'deployment', 'echo-api', '-n', NS, '--replicas=0']);
    await eventually(async () => (await row())[2] === 'False (MissingEndpoints)', 60_000, 'MissingEndpoints');
    const message = await c.k(['get', 'apiservice', 'v1.echo.k8ts.io', '-o', 'jsonpath={.status.conditions[0].message}']);
    assert.equal(message, `endpointslices for service/echo-api in "${NS}" have no addresses with port name ""`);
  });
});
