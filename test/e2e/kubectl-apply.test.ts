// Declarative management: client-side apply (last-applied three-way merge), server-side apply
// with field managers and conflicts, and kubectl diff.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suiteCluster } from './support/suite-cluster.js';

function deployment(opts: { replicas?: number; env?: Record<string, string>; labels?: Record<string, string> }): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'app', namespace: 'default', labels: opts.labels ?? { app: 'app' } },
    spec: {
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: { containers: [{ name: 'main', image: 'busybox:1.36', env: Object.entries(opts.env ?? {}).map(([name, value]) => ({ name, value })) }] },
      },
    },
  });
}

describe('kubectl apply and diff', () => {
  const s = suiteCluster({ scratch: 'k8ts-apply-' });

  const write = (name: string, body: string) => {
    const p = join(s.dir, name);
    writeFileSync(p, body);
    return p;
  };

  test('client-side apply creates, is unchanged on re-apply, and removes dropped fields', async () => {
    const f = write('app.json', deployment({ replicas: 2, env: { A: '1', B: '2' }, labels: { app: 'app', extra: 'yes' } }));
    assert.match(await s.c.k(['apply', '-f', f]), /deployment.apps\/app created/);
    assert.match(await s.c.k(['apply', '-f', f]), /deployment.apps\/app unchanged/);
    const f2 = write('app2.json', deployment({ replicas: 2, env: { A: '1' }, labels: { app: 'app' } }));
    assert.match(await s.c.k(['apply', '-f', f2]), /deployment.apps\/app configured/);
    const dep = JSON.parse(await s.c.k(['get', 'deploy', 'app', '-o', 'json']));
    assert.deepEqual(dep.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }]);
    assert.equal(dep.metadata.labels.extra, undefined);
    assert.ok(dep.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    // A field dropped from the manifest returns to its default.
    const f3 = write('app3.json', deployment({ env: { A: '1' } }));
    await s.c.k(['apply', '-f', f3]);
    assert.equal(await s.c.k(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.replicas}']), '1');
  });

  test('diff shows pending changes and exits 1, 0 when none', async () => {
    const same = await s.c.kubectl(['diff', '-f', join(s.dir, 'app3.json')]);
    assert.equal(same.code, 0, same.stderr);
    const changed = write('app4.json', deployment({ env: { A: '2' } }));
    const d = await s.c.kubectl(['diff', '-f', changed]);
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /-\s+value: "1"/);
    assert.match(d.stdout, /\+\s+value: "2"/);
  });

  test('server-side apply: ownership, conflict and --force-conflicts', async () => {
    const cm = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data });
    assert.match(await s.c.k(['apply', '--server-side', '--field-manager', 'alice', '-f', write('a.json', cm({ owner: 'alice', shared: '1' }))]), /configmap\/ssa serverside-applied/);
    const conflict = await s.c.kubectl(['apply', '--server-side', '--field-manager', 'bob', '-f', write('b.json', cm({ shared: '2' }))]);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /conflict with "alice"/);
    assert.match(conflict.stderr, /\.data\.shared/);
    await s.c.k(['apply', '--server-side', '--field-manager', 'bob', '--force-conflicts', '-f', join(s.dir, 'b.json')]);
    const obj = JSON.parse(await s.c.k(['get', 'cm', 'ssa', '-o', 'json', '--show-managed-fields']));
    assert.equal(obj.data.shared, '2');
    const managers = obj.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`).sort();
    assert.deepEqual(managers, ['alice/Apply', 'bob/Apply']);
    // alice re-applies without `owner`: the field she alone owned is removed.
    await s.c.k(['apply', '--server-side', '--field-manager', 'alice', '-f', write('a2.json', cm({}))]);
    const after = JSON.parse(await s.c.k(['get', 'cm', 'ssa', '-o', 'json']));
    assert.deepEqual(after.data, { shared: '2' });
  });
});
