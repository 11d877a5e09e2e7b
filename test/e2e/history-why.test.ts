// The history of objects through the real kubectl and `k8ts history`: who changed a ConfigMap
// (two users, by impersonation) and the diff; revisions past the retention window are gone; a
// user sees the history only of objects they may get.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { K8TS_BIN, run, type TestCluster } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';

const history = (c: TestCluster, args: string[]) => run(process.execPath, [K8TS_BIN, 'history', ...args, '--kubeconfig', c.kubeconfig]);

describe('history', () => {
  const s = suiteCluster();

  test('shows who changed a ConfigMap, how, and the diff between revisions', async () => {
    const { c } = s;
    await c.k(['create', 'namespace', 'team']);
    await c.k(['create', 'namespace', 'other']);
    await c.k(['create', 'rolebinding', 'editors', '-n', 'team', '--clusterrole=edit', '--user=alice', '--user=bob']);
    await c.k(['--as', 'alice', 'create', 'configmap', 'settings', '-n', 'team', '--from-literal=color=blue']);
    await c.k(['--as', 'bob', 'patch', 'configmap', 'settings', '-n', 'team', '--type=merge', '-p', '{"data":{"color":"green"}}']);
    await c.k(['--as', 'alice', 'apply', '--server-side', '--field-manager=gitops', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team\ndata:\n  size: large\n');

    const list = await history(c, ['configmap/settings', '-n', 'team']);
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.trim().split('\n').map(l => l.split(/\s{3,}/));
    assert.deepEqual(rows[0], ['REVISION', 'TIME', 'USER', 'OPERATION', 'MANAGER']);
    assert.deepEqual(rows.slice(1).map(r => [r[2], r[3], r[4]]), [
      ['alice', 'create', 'kubectl-create'], ['bob', 'patch', 'kubectl-patch'], ['alice', 'apply', 'gitops'],
    ]);
    const [r1, r2] = rows.slice(1).map(r => r[0]);

    const diff = await history(c, ['configmap/settings', '-n', 'team', '--diff', r1, r2]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^--- revision \d+\n\+\+\+ revision \d+\n/);
    assert.match(diff.stdout, /^- {2}color: blue$/m);
    assert.match(diff.stdout, /^\+ {2}color: green$/m);

    const one = await history(c, ['configmap/settings', '-n', 'team', '-o', 'yaml', '--revision', r1]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^kind: ConfigMap$/m);
    assert.match(one.stdout, /^ {2}color: blue$/m);
  });

  test('a user sees the history only of objects they may get', async () => {
    const { c } = s;
    await c.k(['create', 'configmap', 'private', '-n', 'other', '--from-literal=k=v']);
    const denied = await c.kubectl(['--as', 'alice', 'get', '--raw', '/apis/history.k8ts.io/v1/api/v1/namespaces/other/configmaps/private']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /forbidden/i);
    const allowed = JSON.parse(await c.k(['--as', 'alice', 'get', '--raw', '/apis/history.k8ts.io/v1/api/v1/namespaces/team/configmaps/settings'])) as { revisions: { user: string }[] };
    assert.deepEqual(allowed.revisions.map(r => r.user), ['alice', 'bob', 'alice']);
  });

  test('Secret values never reach the history: only their hashes', async () => {
    const { c } = s;
    await c.k(['create', 'secret', 'generic', 'creds', '-n', 'team', '--from-literal=password=hunter2']);
    const raw = await c.k(['get', '--raw', '/apis/history.k8ts.io/v1/api/v1/namespaces/team/secrets/creds?objects=true']);
    const { revisions } = JSON.parse(raw) as { revisions: { object: { data: Record<string, string> } }[] };
    assert.deepEqual(revisions[0].object.data, { password: 'sha256:f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7' });
    assert.doesNotMatch(raw, /aHVudGVyMg|hunter2/);
  });
});

describe('history retention', () => {
  // Long enough that the kubectl calls after the patch stay inside it on a loaded machine.
  const retentionSeconds = 10;
  const s = suiteCluster({ start: { extraArgs: ['--history-retention', `${retentionSeconds}s`] } });

  test('revisions older than --history-retention are dropped', async () => {
    const { c } = s;
    const operations = async () => {
      const list = await history(c, ['configmap/short']);
      assert.equal(list.code, 0, list.stderr);
      return list.stdout.trim().split('\n').slice(1).map(l => l.split(/\s{3,}/)[3]);
    };
    await c.k(['create', 'configmap', 'short', '--from-literal=a=1']);
    assert.deepEqual(await operations(), ['create']);
    const created = Date.now();
    await sleep(retentionSeconds * 1000);
    for (const deadline = created + 3 * retentionSeconds * 1000; (await operations()).length; await sleep(250)) {
      assert.ok(Date.now() < deadline, 'the create revision is still listed long after the retention window');
    }
    await c.k(['patch', 'configmap', 'short', '--type=merge', '-p', '{"data":{"a":"2"}}']);
    assert.deepEqual(await operations(), ['patch']);
  });
});
