// `k8ts server --server URL --token-file TOKEN --cluster-init` joins a running --cluster-init
// server: it receives the cluster's CA, keys and token (sealed with the server token), its etcd
// member joins as a learner and is promoted, and both API servers serve the same state. A bootstrap
// token made for agents is refused the server bootstrap data.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedEtcdPaths, stopLeftoverMember } from '../../src/storage/etcd/embedded-paths.js';
import { freePort } from '../../src/storage/etcd/member.js';
import { livePid } from '../../src/util/pid-file.js';
import { eventually, K8TS_BIN, run, TestCluster } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-server-join-'));
const clusters: TestCluster[] = [];
after(async () => {
  for (const c of clusters) await c.stop('SIGTERM', true).catch(() => undefined);
  for (const name of ['a', 'b']) await stopLeftoverMember(join(dir, name));
  rmSync(dir, { recursive: true, force: true });
});

const etcdPorts = async () => ['--cluster-init', '--etcd-client-port', String(await freePort()), '--etcd-peer-port', String(await freePort())];

test('a second server joins with the server token: shared CA and keys, a promoted etcd member, one state', { timeout: 170_000 }, async () => {
  const a = await TestCluster.start({ dataDir: join(dir, 'a'), extraArgs: await etcdPorts() });
  clusters.push(a);

  // An agent's bootstrap token (valid for /cacerts and for joining as a node) cannot join a server.
  await a.k(['create', 'secret', 'generic', 'bootstrap-token-agent1', '-n', 'kube-system', '--type', 'bootstrap.kubernetes.io/token',
    '--from-literal=token-id=agent1', '--from-literal=token-secret=0123456789abcdef', '--from-literal=usage-bootstrap-authentication=true']);
  const refused = await run(process.execPath, [K8TS_BIN, 'server', '--data-dir', join(dir, 'refused'), '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--disable-agent',
    ...await etcdPorts(), '--server', a.url, '--token', 'agent1.0123456789abcdef']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /refused token agent1 for joining as a server: only the server token/);

  const bArgs = [...await etcdPorts(), '--server', a.url, '--token-file', join(a.dataDir, 'token')];
  const b = await TestCluster.start({ dataDir: join(dir, 'b'), extraArgs: bArgs });
  clusters.push(b);
  for (const file of ['tls/ca.crt', 'tls/ca.key', 'tls/service.key', 'tls/front-proxy-ca.key', 'token']) {
    assert.equal(readFileSync(join(b.dataDir, file), 'utf8'), readFileSync(join(a.dataDir, file), 'utf8'), file);
  }
  assert.notEqual(readFileSync(join(b.dataDir, 'tls/serving.crt'), 'utf8'), readFileSync(join(a.dataDir, 'tls/serving.crt'), 'utf8'), 'each server has its own serving certificate');

  const listed = await run(process.execPath, [K8TS_BIN, 'etcd-member', 'list', '--data-dir', a.dataDir]);
  assert.equal(listed.code, 0, listed.stderr);
  const rows = listed.stdout.trim().split('\n').slice(1).map(r => r.split(/ +/));
  const names = [a.dataDir, b.dataDir].map(d => readFileSync(embeddedEtcdPaths(d).nameFile, 'utf8').trim());
  assert.deepEqual(rows.map(r => r[2]).sort(), [...names].sort());
  assert.deepEqual(rows.map(r => r[5]), ['false', 'false'], 'the joined member was promoted to a voter');

  await a.k(['create', 'configmap', 'written-on-a', '--from-literal=k=v']);
  assert.equal(await b.k(['get', 'configmap', 'written-on-a', '-o', 'jsonpath={.data.k}']), 'v');
  // A service-account token signed by one server is accepted by the other (shared signing key).
  const token = (await a.k(['create', 'token', 'default'])).trim();
  const whoami = await run('kubectl', ['--kubeconfig', '/dev/null', '--server', b.url, '--certificate-authority', join(b.dataDir, 'tls/ca.crt'), '--token', token,
    'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
  assert.equal(whoami.stdout, 'system:serviceaccount:default:default', whoami.stderr);

  // The kubernetes Service's endpoints list both servers (each its own Lease).
  const endpointsOf = async (c: TestCluster) => (await c.k(['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={range .subsets[*]}{.addresses[*].ip}:{.ports[0].port} {end}'])).trim().split(' ').filter(Boolean).sort();
  const slicesOf = async (c: TestCluster) => (await c.k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'jsonpath={range .items[*]}{.endpoints[*].addresses[0]}:{.ports[0].port} {end}'])).trim().split(' ').filter(Boolean).sort();
  const both = [a.url, b.url].map(u => new URL(u).host).sort();
  await eventually(async () => JSON.stringify(await endpointsOf(a)) === JSON.stringify(both), 20_000, 'both servers in the kubernetes Endpoints');
  assert.deepEqual(await slicesOf(a), both);

  // Stopped cleanly, a server takes itself out; restarted, it runs from its own data (no second join).
  await b.stop('SIGTERM', true);
  clusters.pop();
  assert.deepEqual(await endpointsOf(a), [new URL(a.url).host]);
  const again = await TestCluster.start({ dataDir: b.dataDir, extraArgs: bArgs });
  clusters.push(again);
  assert.equal(await again.k(['get', 'configmap', 'written-on-a', '-o', 'jsonpath={.data.k}']), 'v');
  await eventually(async () => (await endpointsOf(a)).length === 2, 20_000, 'the restarted server back in the Endpoints');

  // Killed, its etcd member dies with it (nothing left holding the member's ports). With one of two
  // members left etcd has no quorum, so the cluster waits for it, as a two-server k3s does; started
  // again, it is back in the Endpoints. (A killed server's address leaving the Endpoints once its
  // Lease expires needs a quorum without it: the three-server test test/e2e/etcd-ha-netns checks it.)
  const memberPidFile = embeddedEtcdPaths(again.dataDir).pidFile;
  assert.ok(livePid(memberPidFile), 'the restarted server runs its etcd member');
  await again.stop('SIGKILL', true);
  clusters.pop();
  await eventually(() => livePid(memberPidFile) === undefined, 20_000, 'the killed server\'s etcd member gone with it');
  const restarted = await TestCluster.start({ dataDir: b.dataDir, extraArgs: bArgs });
  clusters.push(restarted);
  // Its new address (a new port) is listed; the killed instance's goes when its Lease expires.
  const now = [a.url, restarted.url].map(u => new URL(u).host).sort();
  await eventually(async () => JSON.stringify(await endpointsOf(a)) === JSON.stringify(now), 45_000, 'the server started after the kill in the Endpoints, the killed instance out');
  assert.equal(await restarted.k(['get', 'configmap', 'written-on-a', '-o', 'jsonpath={.data.k}']), 'v');
});
