// Node authorization with real parts: a k8ts server (default --authorization-mode Node,RBAC),
// kubelet identities `system:node:a` / `system:node:b` with client certificates signed by the data
// dir's CA, the real kubectl; a KubeletServer in this process that authenticates its callers
// (certificates, or tokens through TokenReview) and asks the API server (SubjectAccessReview) as
// node a; and the controllers acting as their own service accounts.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubeconfig, loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RestClient } from '../../src/client/rest-client.js';
import { ServiceAccountCredentials } from '../../src/client/service-account-credentials.js';
import { RuntimeClient } from '../../src/kubelet/cri/client.js';
import { apiReviewClient } from '../../src/kubelet/server/review-client.js';
import { KubeletServer } from '../../src/kubelet/server/server.js';
import { issueCertificate, type PemPair } from '../../src/pki/certificates.js';
import { parseExposition, series } from '../../src/metrics/testing/prometheus-text.js';
import { eventually, TestCluster } from './harness.js';

describe('node authorization', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let ca: PemPair;
  const kubeconfigs: Record<string, string> = {};
  const certs: Record<string, PemPair> = {};
  let kubelet: KubeletServer;
  let kubeletPort: number;
  let kubeletClient: RestClient;
  let runtime: RuntimeClient;

  /** A kubeconfig with a fresh client certificate from the cluster CA. */
  async function identity(user: string, groups: string[]): Promise<void> {
    const pair = await issueCertificate(ca, { commonName: user, organizations: groups, usage: 'client' });
    certs[user] = pair;
    const path = join(cluster.dataDir, `${user.replace(/[^a-z0-9]/gi, '_')}.kubeconfig`);
    writeFileSync(path, kubeconfig(cluster.url, ca.cert, pair, user), { mode: 0o600 });
    kubeconfigs[user] = path;
  }

  const as = (user: string, args: string[], input?: string) => cluster.kubectl(['--kubeconfig', kubeconfigs[user]!, ...args], input);

  before(async () => {
    cluster = await TestCluster.start();
    const tls = join(cluster.dataDir, 'tls');
    ca = { cert: readFileSync(join(tls, 'ca.crt'), 'utf8'), key: readFileSync(join(tls, 'ca.key'), 'utf8') };
    await identity('system:node:a', ['system:nodes']);
    await identity('system:node:b', ['system:nodes']);
    await identity('bob', []);
    await identity('carol', []);
    await eventually(async () => (await cluster.kubectl(['get', 'serviceaccount', 'default'])).code === 0, 60_000, 'the default service account');
  });

  after(async () => {
    await kubelet?.stop();
    kubeletClient?.close();
    runtime?.close();
    await cluster?.stop();
  });

  test('a node registers only itself and reads only the Secrets of pods bound to it', async () => {
    const node = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    const created = await as('system:node:a', ['create', '-f', '-'], node('a'));
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await as('system:node:b', ['create', '-f', '-'], node('b'))).code, 0);
    // (kubectl label and patch first read node b, which the Node authorizer refuses; a raw PUT goes on to admission.)
    const nodeB = JSON.parse(await cluster.k(['get', 'node', 'b', '-o', 'json']));
    nodeB.metadata.labels.x = 'y';
    const other = await as('system:node:a', ['replace', '--raw', '/api/v1/nodes/b', '-f', '-'], JSON.stringify(nodeB));
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /nodes "b" is forbidden: node "a" is not allowed to modify node "b"/);
    const unreadable = await as('system:node:a', ['get', 'node', 'b']);
    assert.match(unreadable.stderr, /User "system:node:a" cannot get resource "nodes" in API group "" at the cluster scope: node 'a' cannot read 'b', only its own Node object/);
    const restricted = await as('system:node:a', ['label', 'node', 'a', 'node-restriction.kubernetes.io/pool=secure']);
    assert.match(restricted.stderr, /is not allowed to modify labels: node-restriction\.kubernetes\.io\/pool/);

    for (const n of ['a', 'b']) {
      await cluster.k(['create', 'secret', 'generic', `secret-${n}`, '--from-literal', `k=${n}`]);
      await cluster.k(['create', '-f', '-'], JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${n}` },
        spec: { nodeName: n, automountServiceAccountToken: false, containers: [{ name: 'c', image: 'k8ts.local/busybox:1' }], volumes: [{ name: 's', secret: { secretName: `secret-${n}` } }] },
      }));
    }
    const own = await as('system:node:a', ['get', 'secret', 'secret-a', '-o', 'jsonpath={.data.k}']);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(Buffer.from(own.stdout, 'base64').toString(), 'a');
    const foreign = await as('system:node:a', ['get', 'secret', 'secret-b']);
    assert.notEqual(foreign.code, 0);
    assert.equal(foreign.stderr.trim(), 'Error from server (Forbidden): secrets "secret-b" is forbidden: User "system:node:a" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'a\' and this object');
    const list = await as('system:node:a', ['get', 'secrets']);
    assert.notEqual(list.code, 0);
    // Its own pods by the spec.nodeName selector, as the kubelet lists them; not everyone's.
    assert.equal((await as('system:node:a', ['get', 'pods', '-A', '--field-selector', 'spec.nodeName=a', '-o', 'name'])).stdout.trim(), 'pod/pod-a');
    assert.notEqual((await as('system:node:a', ['get', 'pods', '-A'])).code, 0);
    // Status of its own pods only (a PUT, as kubectl patch would first get pods/status, which nodes may not).
    const putStatus = async (name: string) => {
      const pod = JSON.parse(await cluster.k(['get', 'pod', name, '-o', 'json']));
      pod.status = { ...pod.status, phase: 'Running' };
      return as('system:node:a', ['replace', '--raw', `/api/v1/namespaces/default/pods/${name}/status`, '-f', '-'], JSON.stringify(pod));
    };
    const ownStatus = await putStatus('pod-a');
    assert.equal(ownStatus.code, 0, ownStatus.stderr);
    const foreignStatus = await putStatus('pod-b');
    assert.match(foreignStatus.stderr, /node "a" can only update pod status for pods with spec.nodeName set to itself/);

    // The access goes with the pod.
    await cluster.k(['delete', 'pod', 'pod-a', '--grace-period=0', '--force']);
    await eventually(async () => (await as('system:node:a', ['get', 'secret', 'secret-a'])).code !== 0, 30_000, 'node a losing secret-a');
  });

  test('the kubelet API: 401 for anonymous, 403 without nodes/proxy, 200 with it (certificates and tokens)', async () => {
    // The kubelet asks the API server as node a; the API server reaches it with its kubelet-client certificate.
    kubeletClient = new RestClient(loadKubeconfig(kubeconfigs['system:node:a']!), 'kubelet-test');
    runtime = new RuntimeClient(`unix://${join(cluster.dataDir, 'no-runtime.sock')}`);
    kubelet = new KubeletServer({ port: 0, bindAddress: '127.0.0.1', clientCA: ca.cert, runtime, nodeName: 'a', reviews: apiReviewClient(kubeletClient) });
    kubeletPort = await kubelet.start();
    await cluster.k(['patch', 'node', 'a', '--subresource=status', '--type=merge', '-p', JSON.stringify({
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } },
    })]);

    const get = (path: string, auth: { cert?: PemPair; token?: string } = {}) => new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: kubeletPort, path, rejectUnauthorized: false, cert: auth.cert?.cert, key: auth.cert?.key,
        headers: auth.token ? { Authorization: `Bearer ${auth.token}` } : {},
      }, res => {
        let body = '';
        res.on('data', d => (body += d));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

    assert.deepEqual(await get('/healthz'), { code: 401, body: 'Unauthorized' });
    assert.deepEqual(await get('/healthz', { token: 'not-a-token' }), { code: 401, body: 'Unauthorized' });
    assert.deepEqual(await get('/healthz', { cert: certs.bob }), { code: 403, body: 'Forbidden (user=bob, verb=get, resource=nodes, subresource=proxy)' });
    assert.deepEqual(await get('/stats/summary', { cert: certs.bob }), { code: 403, body: 'Forbidden (user=bob, verb=get, resource=nodes, subresource=stats)' });

    await cluster.k(['create', 'clusterrole', 'kubelet-proxy', '--verb=get,create', '--resource=nodes/proxy']);
    await cluster.k(['create', 'clusterrolebinding', 'carol-kubelet-proxy', '--clusterrole=kubelet-proxy', '--user=carol']);
    assert.deepEqual(await get('/healthz', { cert: certs.carol }), { code: 200, body: 'ok' });
    // nodes/proxy does not reach nodes/stats.
    assert.equal((await get('/stats/summary', { cert: certs.carol })).code, 403);

    // A bearer token (TokenReview), for a service account bound to the same role.
    await cluster.k(['create', 'serviceaccount', 'scraper']);
    await cluster.k(['create', 'clusterrolebinding', 'scraper-kubelet-proxy', '--clusterrole=kubelet-proxy', '--serviceaccount=default:scraper']);
    const token = (await cluster.k(['create', 'token', 'scraper'])).trim();
    assert.deepEqual(await get('/healthz', { token }), { code: 200, body: 'ok' });
    const unbound = (await cluster.k(['create', 'token', 'default'])).trim();
    assert.deepEqual(await get('/healthz', { token: unbound }), { code: 403, body: 'Forbidden (user=system:serviceaccount:default:default, verb=get, resource=nodes, subresource=proxy)' });

    // The API server still reaches the kubelet (its kubelet-client certificate is system:masters),
    // for users it lets through nodes/proxy.
    assert.equal((await cluster.k(['get', '--raw', '/api/v1/nodes/a/proxy/healthz'])).trim(), 'ok');
    const bobProxy = await as('bob', ['get', '--raw', '/api/v1/nodes/a/proxy/healthz']);
    assert.notEqual(bobProxy.code, 0);
    assert.match(bobProxy.stderr, /User "bob" cannot get resource "nodes\/proxy" in API group "" at the cluster scope/);
    assert.equal((await as('carol', ['get', '--raw', '/api/v1/nodes/a/proxy/healthz'])).stdout.trim(), 'ok');

    // The kubelet's /metrics parses and carries its series, even with its runtime unreachable.
    const metrics = parseExposition(await cluster.k(['get', '--raw', '/api/v1/nodes/a/proxy/metrics']));
    assert.equal(metrics.get('kubelet_running_pods')?.type, 'gauge');
    assert.equal(metrics.get('kubelet_running_containers')?.type, 'gauge');
    assert.equal(series(metrics, 'process_resident_memory_bytes').length, 1);
  });

  test('controllers act as their own service accounts in kube-system', async () => {
    // The server's controllers made their accounts (and a Deployment still rolls out under RBAC).
    for (const sa of ['deployment-controller', 'replicaset-controller', 'node-controller', 'generic-garbage-collector']) {
      await eventually(async () => (await cluster.kubectl(['get', 'serviceaccount', '-n', 'kube-system', sa])).code === 0, 60_000, `service account ${sa}`);
    }
    await cluster.k(['create', 'deployment', 'web', '--image', 'k8ts.local/busybox:1', '--replicas', '2']);
    await eventually(async () => (await cluster.k(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 2, 60_000, 'the deployment\'s pods');

    // A client from the credentials is the account itself (whoami), not the caller.
    const admin = new RestClient(loadKubeconfig(cluster.kubeconfig), 'node-authz-test');
    const credentials = new ServiceAccountCredentials(admin, 'kube-system', 'node-authz-test');
    try {
      const client = await credentials.clientFor('e2e-test-controller');
      const review = await client.create<{ status: { userInfo: { username: string; groups: string[] } } }>('/apis/authentication.k8s.io/v1/selfsubjectreviews',
        { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      assert.equal(review.status.userInfo.username, 'system:serviceaccount:kube-system:e2e-test-controller');
      assert.ok(review.status.userInfo.groups.includes('system:serviceaccounts:kube-system'));
      // Its own permissions: none were granted.
      await assert.rejects(client.list('/api/v1/secrets'), (err: { code?: number }) => err.code === 403);
    } finally {
      await credentials.stop();
      admin.close();
    }
  });
});
