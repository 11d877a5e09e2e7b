// RBAC end to end with the real kubectl: a matrix of identities (anonymous, a user with no
// bindings, view, edit, admin, a namespaced Role, a service account, a pod's token, a node) and
// verbs on core resources and subresources, with upstream's allow/deny and 401/403 messages; the
// escalation and bind checks; `kubectl auth can-i` (--as, --list), `kubectl auth whoami`,
// impersonation, SubjectAccessReview; the default roles reconciled and aggregated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { eventually, TestCluster, type RunResult } from './harness.js';
import { certificateKubeconfig, tokenKubeconfig } from './support/user-kubeconfig.js';

const NS = 'rbac';

describe('RBAC', () => {
  let c: TestCluster;
  const kc: Record<string, string> = {};
  const as = (who: string, args: string[], input?: string): Promise<RunResult> => c.kubectl(['--kubeconfig', kc[who], ...args], input);

  async function allowed(who: string, args: string[], input?: string): Promise<string> {
    const r = await as(who, args, input);
    assert.equal(r.code, 0, `${who}: kubectl ${args.join(' ')} should be allowed: ${r.stderr}`);
    return r.stdout;
  }
  async function refused(who: string, args: string[], message: string | RegExp): Promise<void> {
    const r = await as(who, args);
    assert.notEqual(r.code, 0, `${who}: kubectl ${args.join(' ')} should be refused`);
    if (typeof message === 'string') assert.ok(r.stderr.includes(message), `${who}: kubectl ${args.join(' ')}:\n${r.stderr}\nwanted: ${message}`);
    else assert.match(r.stderr, message);
  }
  const canI = async (who: string, args: string[]) => (await as(who, ['auth', 'can-i', ...args])).stdout.trim();

  before(async () => {
    c = await TestCluster.start();
    await c.k(['create', 'namespace', NS]);
    await c.k(['create', 'namespace', 'other']);
    await c.k(['create', 'configmap', 'cm', '-n', NS, '--from-literal=a=b']);
    await c.k(['create', 'configmap', 'cm', '-n', 'other', '--from-literal=a=b']);
    await c.k(['create', 'secret', 'generic', 's', '-n', NS, '--from-literal=password=hunter2']);
    await c.k(['run', 'p', '-n', NS, '--image=registry.local/busybox', '--restart=Never']);
    await c.k(['create', 'serviceaccount', 'robot', '-n', NS]);
    await c.k(['create', 'rolebinding', 'viewer', '--clusterrole=view', '--user=viewer', '-n', NS]);
    await c.k(['create', 'rolebinding', 'editor', '--clusterrole=edit', '--user=editor', '-n', NS]);
    await c.k(['create', 'rolebinding', 'adm', '--clusterrole=admin', '--user=adm', '-n', NS]);
    await c.k(['create', 'role', 'cm-reader', '--verb=get,list', '--resource=configmaps', '-n', NS]);
    await c.k(['create', 'rolebinding', 'cm-reader', '--role=cm-reader', '--user=cmreader', '-n', NS]);
    for (const user of ['nobody', 'viewer', 'editor', 'adm', 'cmreader', 'binder', 'impersonator']) kc[user] = await certificateKubeconfig(c, user);
    kc.node = await certificateKubeconfig(c, 'system:node:x', ['system:nodes']);
    kc.robot = tokenKubeconfig(c, 'robot', (await c.k(['create', 'token', 'robot', '-n', NS])).trim());
    // The token the kubelet would mount into pod p: the default service account's, bound to the pod.
    kc.pod = tokenKubeconfig(c, 'pod', (await c.k(['create', 'token', 'default', '-n', NS, '--bound-object-kind', 'Pod', '--bound-object-name', 'p'])).trim());
    // admin, edit and view start empty and are filled by the aggregation controller.
    await eventually(async () => (await canI('viewer', ['list', 'pods', '-n', NS])) === 'yes'
      && (await canI('adm', ['create', 'rolebindings', '-n', NS])) === 'yes', 60_000, 'aggregated roles');
  });
  after(async () => {
    await c?.stop();
    // The restarted server was given the data dir, so it is not its to remove.
    if (c) rmSync(c.dataDir, { recursive: true, force: true });
  });

  test('the default roles and bindings exist, labelled, and admin/edit/view are aggregated', async () => {
    const roles = JSON.parse(await c.k(['get', 'clusterroles', '-l', 'kubernetes.io/bootstrapping=rbac-defaults', '-o', 'json'])).items.map((r: { metadata: { name: string } }) => r.metadata.name);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:node',
      'system:kube-scheduler', 'system:kube-controller-manager', 'system:controller:deployment-controller', 'system:k8ts-controller']) assert.ok(roles.includes(name), name);
    const view = JSON.parse(await c.k(['get', 'clusterrole', 'view', '-o', 'json']));
    assert.deepEqual(view.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    assert.equal(view.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    const binding = JSON.parse(await c.k(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json']));
    assert.deepEqual(binding.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
  });

  // kubectl asks for a password when a kubeconfig has no credentials, so anonymous requests are plain HTTPS.
  test('anonymous: only the public health and version paths', async () => {
    const anonymous = (path: string) => new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = httpsGet(`${c.url}${path}`, { ca: readFileSync(join(c.dataDir, 'tls', 'ca.crt')) }, res => {
        let body = '';
        res.on('data', d => (body += d)).on('end', () => resolve({ code: res.statusCode!, body }));
      });
      req.on('error', reject);
    });
    assert.match((await anonymous('/version')).body, /gitVersion/);
    assert.deepEqual(await anonymous('/healthz'), { code: 200, body: 'ok' });
    const pods = await anonymous(`/api/v1/namespaces/${NS}/pods`);
    // 401 without --anonymous-auth; 403 with it, as upstream.
    if (pods.code === 401) assert.equal(JSON.parse(pods.body).message, 'Unauthorized');
    else assert.equal(JSON.parse(pods.body).message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "rbac"');
  });

  test('a user with no bindings: discovery and self reviews only, with upstream\'s messages', async () => {
    await allowed('nobody', ['get', '--raw', '/api']);
    await allowed('nobody', ['auth', 'whoami']);
    await refused('nobody', ['get', 'pods', '-n', NS], 'Error from server (Forbidden): pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "rbac"');
    await refused('nobody', ['get', 'pod', 'p', '-n', NS], 'Error from server (Forbidden): pods "p" is forbidden: User "nobody" cannot get resource "pods" in API group "" in the namespace "rbac"');
    await refused('nobody', ['get', '--raw', `/api/v1/namespaces/${NS}/pods/p/log`], 'pods "p" is forbidden: User "nobody" cannot get resource "pods/log" in API group "" in the namespace "rbac"');
    await refused('nobody', ['get', 'nodes'], 'Error from server (Forbidden): nodes is forbidden: User "nobody" cannot list resource "nodes" in API group "" at the cluster scope');
    await refused('nobody', ['get', 'deployments.apps', '-n', NS], 'deployments.apps is forbidden: User "nobody" cannot list resource "deployments" in API group "apps" in the namespace "rbac"');
    await refused('nobody', ['get', 'namespace', NS], 'namespaces "rbac" is forbidden: User "nobody" cannot get resource "namespaces" in API group "" in the namespace "rbac"');
    await refused('nobody', ['create', 'configmap', 'x', '-n', NS], 'configmaps is forbidden: User "nobody" cannot create resource "configmaps" in API group "" in the namespace "rbac"');
    await refused('nobody', ['get', '--raw', '/metrics'], 'forbidden: User "nobody" cannot get path "/metrics"');
  });

  test('view: reads the namespace (and itself) but no Secrets, writes nothing', async () => {
    assert.match(await allowed('viewer', ['get', 'pods', '-n', NS]), /\bp\b/);
    await allowed('viewer', ['get', 'configmap', 'cm', '-n', NS]);
    await allowed('viewer', ['get', 'namespace', NS]);
    await refused('viewer', ['get', 'secrets', '-n', NS], 'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "rbac"');
    await refused('viewer', ['get', 'secret', 's', '-n', NS], 'secrets "s" is forbidden: User "viewer" cannot get resource "secrets" in API group "" in the namespace "rbac"');
    await refused('viewer', ['delete', 'pod', 'p', '-n', NS], 'pods "p" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "rbac"');
    await refused('viewer', ['get', 'pods', '-n', 'other'], 'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "other"');
    await refused('viewer', ['label', 'configmap', 'cm', 'x=y', '-n', NS], 'configmaps "cm" is forbidden: User "viewer" cannot patch resource "configmaps" in API group "" in the namespace "rbac"');
    // kubectl exec tries a WebSocket (GET), then SPDY (POST): either is refused for view.
    await refused('viewer', ['exec', 'p', '-n', NS, '--', 'true'], /pods "p" is forbidden: User "viewer" cannot (get|create) resource "pods\/exec" in API group "" in the namespace "rbac"/);
    assert.equal(await canI('viewer', ['get', 'pods', '--subresource=log', '-n', NS]), 'yes');
    assert.equal(await canI('viewer', ['create', 'pods', '--subresource=exec', '-n', NS]), 'no');
    assert.equal(await canI('viewer', ['get', 'deployments.apps', '--subresource=scale', '-n', NS]), 'yes');
    assert.equal(await canI('viewer', ['patch', 'deployments.apps', '--subresource=scale', '-n', NS]), 'no');
  });

  test('edit: writes workloads and reads Secrets, but cannot grant himself admin', async () => {
    await allowed('editor', ['create', 'configmap', 'by-editor', '-n', NS]);
    await allowed('editor', ['delete', 'configmap', 'by-editor', '-n', NS]);
    await allowed('editor', ['get', 'secret', 's', '-n', NS]);
    assert.equal(await canI('editor', ['create', 'pods', '--subresource=exec', '-n', NS]), 'yes');
    // Authorized: what stops it is that the pod never reached a node.
    const exec = await as('editor', ['exec', 'p', '-n', NS, '--', 'true']);
    assert.notEqual(exec.code, 0);
    assert.doesNotMatch(exec.stderr, /forbidden/i);
    assert.equal(await canI('editor', ['update', 'pods', '--subresource=status', '-n', NS]), 'no');
    await refused('editor', ['create', 'resourcequota', 'q', '--hard=pods=1', '-n', NS], 'resourcequotas is forbidden: User "editor" cannot create resource "resourcequotas" in API group "" in the namespace "rbac"');
    await refused('editor', ['create', 'rolebinding', 'editor-admin', '--clusterrole=admin', '--user=editor', '-n', NS],
      'rolebindings.rbac.authorization.k8s.io is forbidden: User "editor" cannot create resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "rbac"');
  });

  test('admin: grants what he holds in his namespace, nothing more, nothing cluster-wide', async () => {
    await allowed('adm', ['create', 'rolebinding', 'nobody-edit', '--clusterrole=edit', '--user=someone', '-n', NS]);
    await allowed('adm', ['create', 'role', 'secret-reader', '--verb=get', '--resource=secrets', '-n', NS]);
    await refused('adm', ['create', 'role', 'grabby', '--verb=get', '--resource=nodes', '-n', NS],
      'roles.rbac.authorization.k8s.io "grabby" is forbidden: user "adm" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}');
    await refused('adm', ['create', 'clusterrolebinding', 'adm-admin', '--clusterrole=admin', '--user=adm'],
      'clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "adm" cannot create resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope');
    await refused('adm', ['delete', 'namespace', NS], 'namespaces "rbac" is forbidden: User "adm" cannot delete resource "namespaces" in API group "" in the namespace "rbac"');
  });

  test('binding a role needs its permissions or the bind verb on it', async () => {
    await c.k(['create', 'role', 'binding-writer', '--verb=create', '--resource=rolebindings.rbac.authorization.k8s.io', '-n', NS]);
    await c.k(['create', 'rolebinding', 'binder', '--role=binding-writer', '--user=binder', '-n', NS]);
    await refused('binder', ['create', 'rolebinding', 'binder-admin', '--clusterrole=admin', '--user=binder', '-n', NS],
      'rolebindings.rbac.authorization.k8s.io "binder-admin" is forbidden: user "binder" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
      + '{APIGroups:[""], Resources:["bindings"], Verbs:["get" "list" "watch"]}\n{APIGroups:[""], Resources:["configmaps"], Verbs:["create" "update" "patch" "delete" "deletecollection" "get" "list" "watch"]}\n');
    await c.k(['create', 'clusterrole', 'admin-binder', '--verb=bind', '--resource=clusterroles.rbac.authorization.k8s.io', '--resource-name=admin']);
    await c.k(['create', 'rolebinding', 'binder-may-bind', '--clusterrole=admin-binder', '--user=binder', '-n', NS]);
    await allowed('binder', ['create', 'rolebinding', 'binder-admin', '--clusterrole=admin', '--user=binder', '-n', NS]);
  });

  test('a namespaced Role: exactly its verbs and resources, in its namespace', async () => {
    await allowed('cmreader', ['get', 'configmaps', '-n', NS]);
    await allowed('cmreader', ['get', 'configmap', 'cm', '-n', NS]);
    await refused('cmreader', ['get', 'configmaps', '-n', 'other'], 'configmaps is forbidden: User "cmreader" cannot list resource "configmaps" in API group "" in the namespace "other"');
    await refused('cmreader', ['delete', 'configmap', 'cm', '-n', NS], 'configmaps "cm" is forbidden: User "cmreader" cannot delete resource "configmaps" in API group "" in the namespace "rbac"');
    await refused('cmreader', ['get', 'secrets', '-n', NS], 'secrets is forbidden: User "cmreader" cannot list resource "secrets" in API group "" in the namespace "rbac"');
  });

  test('service accounts: a token, and a pod\'s default token, cannot list Secrets', async () => {
    assert.match(await allowed('robot', ['auth', 'whoami']), /system:serviceaccount:rbac:robot/);
    await allowed('robot', ['get', '--raw', '/.well-known/openid-configuration']);
    await refused('robot', ['get', 'secrets', '-n', NS], 'secrets is forbidden: User "system:serviceaccount:rbac:robot" cannot list resource "secrets" in API group "" in the namespace "rbac"');
    await refused('pod', ['get', 'secrets', '-n', NS], 'secrets is forbidden: User "system:serviceaccount:rbac:default" cannot list resource "secrets" in API group "" in the namespace "rbac"');
    await refused('pod', ['delete', 'namespace', NS], 'namespaces "rbac" is forbidden: User "system:serviceaccount:rbac:default" cannot delete resource "namespaces" in API group "" in the namespace "rbac"');
    // A binding to the service account opens exactly that.
    await c.k(['create', 'rolebinding', 'robot-view', '--clusterrole=view', `--serviceaccount=${NS}:robot`, '-n', NS]);
    await allowed('robot', ['get', 'pods', '-n', NS]);
  });

  test('a node identity gets no cluster-wide Secrets and cannot delete namespaces', async () => {
    assert.match(await allowed('node', ['auth', 'whoami']), /system:node:x/);
    await refused('node', ['get', 'secrets', '-A'], /Error from server \(Forbidden\): secrets is forbidden: User "system:node:x" cannot list resource "secrets" in API group "" at the cluster scope/);
    await refused('node', ['delete', 'namespace', NS], /namespaces "rbac" is forbidden: User "system:node:x" cannot delete resource "namespaces" in API group "" in the namespace "rbac"/);
  });

  test('kubectl auth can-i, with --as and --list, and whoami with --as-group', async () => {
    assert.equal((await c.kubectl(['auth', 'can-i', 'list', 'pods', '-n', NS, '--as', 'viewer'])).stdout.trim(), 'yes');
    const no = await c.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', NS, '--as', 'viewer']);
    assert.equal(no.stdout.trim(), 'no');
    assert.equal(no.code, 1);
    assert.equal((await c.kubectl(['auth', 'can-i', 'get', 'secrets', '-n', NS, '--as', 'system:serviceaccount:rbac:default'])).stdout.trim(), 'no');
    const rows = (out: string) => out.trim().split('\n').slice(1).map(l => l.trim().split(/\s{2,}/).join(' | '));
    const list = rows(await allowed('viewer', ['auth', 'can-i', '--list', '-n', NS]));
    assert.deepEqual(rows(await c.k(['auth', 'can-i', '--list', '-n', NS, '--as', 'viewer'])), list, 'the same rules by impersonation');
    for (const row of ['pods | [] | [] | [get list watch]', 'selfsubjectaccessreviews.authorization.k8s.io | [] | [] | [create]', '[/api] | [] | [get]', 'deployments.apps | [] | [] | [get list watch]']) {
      assert.ok(list.includes(row), `${row} in\n${list.join('\n')}`);
    }
    assert.ok(!list.some(r => r.startsWith('secrets ')), 'view lists no secrets');
    const whoami = JSON.parse(await c.k(['auth', 'whoami', '--as', 'viewer', '--as-group', 'g1', '-o', 'json']));
    assert.deepEqual(whoami.status.userInfo, { username: 'viewer', groups: ['g1', 'system:authenticated'] });
  });

  test('impersonation needs the impersonate verb on each thing asked for', async () => {
    await refused('nobody', ['get', 'pods', '-n', NS, '--as', 'viewer'], 'users "viewer" is forbidden: User "nobody" cannot impersonate resource "users" in API group "" at the cluster scope');
    await c.k(['create', 'clusterrole', 'user-impersonator', '--verb=impersonate', '--resource=users']);
    await c.k(['create', 'clusterrolebinding', 'impersonator', '--clusterrole=user-impersonator', '--user=impersonator']);
    assert.match(await allowed('impersonator', ['get', 'pods', '-n', NS, '--as', 'viewer']), /\bp\b/);
    await refused('impersonator', ['get', 'secrets', '-n', NS, '--as', 'viewer'], 'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "rbac"');
    await refused('impersonator', ['get', 'pods', '-n', NS, '--as', 'viewer', '--as-group', 'system:masters'],
      'groups "system:masters" is forbidden: User "impersonator" cannot impersonate resource "groups" in API group "" at the cluster scope');
  });

  test('SubjectAccessReview and LocalSubjectAccessReview answer for another user', async () => {
    // --validate=false: for a kind with no PATCH endpoint kubectl validates on the client side,
    // but first asks whether the kind is a CRD by listing customresourcedefinitions, which k8ts
    // does not serve (the /openapi/v2 document it then reads is served).
    const sar = JSON.parse(await c.k(['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
      spec: { user: 'viewer', groups: ['system:authenticated'], resourceAttributes: { namespace: NS, verb: 'list', resource: 'pods' } },
    })));
    assert.deepEqual(sar.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "viewer/rbac" of ClusterRole "view" to User "viewer"' });
    const lsar = await c.kubectl(['create', '--validate=false', '-o', 'json', '-n', NS, '-f', '-'], JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview',
      spec: { user: 'viewer', resourceAttributes: { namespace: 'other', verb: 'list', resource: 'pods' } },
    }));
    assert.match(lsar.stderr, /spec.resourceAttributes.namespace must match namespace: rbac/);
    const bad = await c.kubectl(['create', '--validate=false', '-o', 'json', '-f', '-'], JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'list', resource: 'pods' } },
    }));
    assert.match(bad.stderr, /spec.user: Invalid value: "": at least one of user or group must be specified/);
  });

  // Last: it restarts the server (the users' kubeconfigs keep the old address).
  test('the default policy is reconciled at start: what is missing comes back, autoupdate=false is left alone', async () => {
    await c.k(['delete', 'clusterrolebinding', 'system:basic-user']);
    await c.k(['patch', 'clusterrole', 'system:node-proxier', '--type=json', '-p', '[{"op":"remove","path":"/rules/0"}]']);
    await c.k(['patch', 'clusterrole', 'system:heapster', '--type=merge', '-p', '{"metadata":{"annotations":{"rbac.authorization.kubernetes.io/autoupdate":"false"}},"rules":[]}']);
    await c.stop('SIGTERM', true);
    c = await TestCluster.start({ dataDir: c.dataDir });
    const binding = JSON.parse(await c.k(['get', 'clusterrolebinding', 'system:basic-user', '-o', 'json']));
    assert.deepEqual(binding.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]);
    const proxier = JSON.parse(await c.k(['get', 'clusterrole', 'system:node-proxier', '-o', 'json']));
    assert.ok(proxier.rules.some((r: { resources?: string[]; verbs: string[] }) => r.resources?.includes('services') && r.verbs.includes('watch')), JSON.stringify(proxier.rules));
    const heapster = JSON.parse(await c.k(['get', 'clusterrole', 'system:heapster', '-o', 'json']));
    assert.deepEqual(heapster.rules ?? [], []);
  });
});
