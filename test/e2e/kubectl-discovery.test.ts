// Discovery, OpenAPI and identity as kubectl sees them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { parseExposition, series } from '../../src/metrics/testing/prometheus-text.js';
import { eventually, TestCluster } from './harness.js';

describe('kubectl discovery and schema', () => {
  let c: TestCluster;
  before(async () => { c = await TestCluster.start(); });
  after(async () => { await c?.stop(); });

  test('api-resources lists every served group with short names and scope', async () => {
    const out = await c.k(['api-resources']);
    assert.match(out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND/m);
    assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(out, /^nodes\s+no\s+v1\s+false\s+Node$/m);
    assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(out, /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m);
    assert.match(out, /^leases\s+coordination.k8s.io\/v1\s+true\s+Lease$/m);
    assert.match(out, /^clusterroles\s+rbac.authorization.k8s.io\/v1\s+false\s+ClusterRole$/m);
    const ns = await c.k(['api-resources', '--namespaced=false', '-o', 'name']);
    assert.match(ns, /^namespaces$/m);
    assert.doesNotMatch(ns, /^pods$/m);
  });

  test('api-versions', async () => {
    const out = (await c.k(['api-versions'])).trim().split('\n');
    for (const gv of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'policy/v1',
      'rbac.authorization.k8s.io/v1', 'storage.k8s.io/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'events.k8s.io/v1',
      'scheduling.k8s.io/v1', 'node.k8s.io/v1', 'certificates.k8s.io/v1', 'admissionregistration.k8s.io/v1']) {
      assert.ok(out.includes(gv), `${gv} missing from api-versions`);
    }
  });

  test('explain reads the OpenAPI v3 schema', async () => {
    const out = await c.k(['explain', 'pod.spec.containers']);
    assert.match(out, /KIND:\s+Pod/);
    assert.match(out, /FIELD:\s+containers <\[\]Container>/);
    assert.match(out, /image\s+<string>/);
    const dep = await c.k(['explain', 'deployment.spec.strategy']);
    assert.match(dep, /GROUP:\s+apps/);
    assert.match(dep, /rollingUpdate\s+<RollingUpdateDeployment>/);
    assert.match(dep, /type\s+<string>/);
  });

  test('explain podmetrics and nodemetrics read the metrics API\'s OpenAPI, v3 and v2', async () => {
    const index = JSON.parse(await c.k(['get', '--raw', '/openapi/v3'])).paths;
    assert.match(index['apis/metrics.k8s.io/v1beta1'].serverRelativeURL, /^\/openapi\/v3\/apis\/metrics\.k8s\.io\/v1beta1\?hash=[0-9A-F]{128}$/);
    const pod = await c.k(['explain', 'podmetrics']);
    assert.match(pod, /^GROUP:\s+metrics\.k8s\.io\nKIND:\s+PodMetrics\nVERSION:\s+v1beta1\n/);
    assert.match(pod, /^  containers\t<\[\]ContainerMetrics> -required-$/m);
    assert.match(pod, /^  metadata\t<ObjectMeta>$/m);
    assert.match(pod, /^  window\t<string> -required-$/m);
    const usage = await c.k(['explain', 'podmetrics.containers.usage']);
    assert.match(usage, /^FIELD:\s+usage <map\[string\]Quantity>$/m);
    const node = await c.k(['explain', 'nodemetrics.metadata.labels']);
    assert.match(node, /^KIND:\s+NodeMetrics$/m);
    assert.match(node, /^FIELD:\s+labels <map\[string\]string>$/m);
    const v2 = await c.k(['explain', 'nodemetrics', '--output=plaintext-openapiv2']);
    assert.match(v2, /^KIND:\s+NodeMetrics\nVERSION:\s+metrics\.k8s\.io\/v1beta1\n/);
    assert.match(v2, /^   usage\t<map\[string\]string> -required-$/m);
    const doc = JSON.parse(await c.k(['get', '--raw', '/openapi/v2']));
    assert.ok(doc.paths['/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}'], 'the metrics paths are merged into /openapi/v2');
    assert.ok(doc.paths['/api/v1/pods'], 'the cluster\'s own paths stay');
  });

  test('api-resources lists the why and history APIs, each behind a local APIService', async () => {
    const why = await c.k(['api-resources', '--api-group=why.k8ts.io', '--no-headers']);
    assert.match(why, /^explanations\s+why\.k8ts\.io\/v1alpha1\s+false\s+Explanation$/m);
    const history = await c.k(['api-resources', '--api-group=history.k8ts.io', '--no-headers']);
    assert.match(history, /^objecthistories\s+history\.k8ts\.io\/v1\s+false\s+ObjectHistory$/m);
    const versions = (await c.k(['api-versions'])).trim().split('\n');
    assert.ok(versions.includes('why.k8ts.io/v1alpha1') && versions.includes('history.k8ts.io/v1'), versions.join(' '));
    const groups = JSON.parse(await c.k(['get', '--raw', '/apis'])).groups;
    assert.deepEqual(groups.find((g: { name: string }) => g.name === 'why.k8ts.io').preferredVersion, { groupVersion: 'why.k8ts.io/v1alpha1', version: 'v1alpha1' });
    const list = JSON.parse(await c.k(['get', '--raw', '/apis/history.k8ts.io/v1']));
    assert.deepEqual(list.resources.map((r: { name: string }) => r.name), ['objecthistories']);
    const apiServices = await c.k(['get', 'apiservices', 'v1alpha1.why.k8ts.io', 'v1.history.k8ts.io', '--no-headers']);
    assert.match(apiServices, /^v1alpha1\.why\.k8ts\.io\s+Local\s+True\s+/m);
    assert.match(apiServices, /^v1\.history\.k8ts\.io\s+Local\s+True\s+/m);
  });

  test('client-side validation reads /openapi/v2 as protobuf: a List replaces, a typo in it is refused by kubectl', async () => {
    await c.k(['create', 'configmap', 'v2-list', '--from-literal=k=v']);
    // A List has no endpoint whose OpenAPI says it takes fieldValidation, so kubectl validates it
    // itself against the v2 document it fetches in gnostic's protobuf encoding.
    const list = await c.k(['get', 'configmaps', '-o', 'json']);
    const replaced = await c.k(['replace', '-f', '-'], list);
    assert.match(replaced, /configmap\/v2-list replaced/);
    const before = JSON.parse(await c.k(['get', 'configmap', 'v2-list', '-o', 'json'])).metadata.resourceVersion;
    const typo = JSON.parse(list);
    typo.items = typo.items.map((cm: Record<string, unknown>) => ({ ...cm, dataa: { k: 'w' } }));
    const bad = await c.kubectl(['replace', '-f', '-'], JSON.stringify(typo));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /error validating data: ValidationError\(ConfigMap\): unknown field "dataa" in io\.k8s\.api\.core\.v1\.ConfigMap/);
    // Refused before any request: the object is as it was.
    assert.equal(JSON.parse(await c.k(['get', 'configmap', 'v2-list', '-o', 'json'])).metadata.resourceVersion, before);
  });

  test('explain --output=plaintext-openapiv2 reads the protobuf v2 document', async () => {
    const out = await c.k(['explain', 'deployment.spec.strategy', '--output=plaintext-openapiv2']);
    assert.match(out, /KIND:\s+Deployment/);
    assert.match(out, /VERSION:\s+apps\/v1/);
    assert.match(out, /rollingUpdate\s+<Object>/);
    assert.match(out, /type\s+<string>/);
  });

  test('/openapi/v2 answers by Accept, with an ETag that a repeat request gets 304 for', async () => {
    const kc = loadKubeconfig(c.kubeconfig);
    const get = (headers: Record<string, string>) => new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const r = request(`${c.url}/openapi/v2`, { ca: kc.ca, cert: kc.cert, key: kc.key, headers }, res => {
        const chunks: Buffer[] = [];
        res.on('data', d => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      r.on('error', reject);
      r.end();
    });
    const pb = await get({ Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    assert.equal(pb.status, 200);
    assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // Document field 1 (swagger), length-delimited: "2.0".
    assert.deepEqual([...pb.body.subarray(0, 5)], [0x0a, 3, 0x32, 0x2e, 0x30]);
    const etag = String(pb.headers.etag);
    assert.match(etag, /^"[0-9A-F]{128}"$/);
    const again = await get({ Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'If-None-Match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const json = await get({ Accept: 'application/json', 'If-None-Match': etag });
    assert.equal(json.status, 200, 'the JSON body has its own ETag');
    assert.equal(json.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(json.body.toString()).swagger, '2.0');
    assert.equal((await get({ Accept: 'text/html' })).status, 406);
  });

  test('get --raw /openapi/v2 is still JSON', async () => {
    const v2 = JSON.parse(await c.k(['get', '--raw', '/openapi/v2']));
    assert.equal(v2.swagger, '2.0');
    assert.ok(v2.definitions['io.k8s.api.core.v1.ConfigMap']);
  });

  test('get --raw serves OpenAPI v3 and version', async () => {
    const idx = JSON.parse(await c.k(['get', '--raw', '/openapi/v3']));
    assert.ok(idx.paths['api/v1'].serverRelativeURL.startsWith('/openapi/v3/api/v1'));
    const core = JSON.parse(await c.k(['get', '--raw', '/openapi/v3/api/v1']));
    assert.equal(core.openapi.slice(0, 2), '3.');
    assert.ok(core.components.schemas['io.k8s.api.core.v1.Pod']);
    const version = await c.k(['version', '-o', 'json']);
    assert.equal(JSON.parse(version).serverVersion.minor, '32');
  });

  test('auth whoami names the admin', async () => {
    const out = await c.k(['auth', 'whoami']);
    assert.match(out, /Username\s+admin/);
    assert.match(out, /Groups\s+\[system:masters system:authenticated\]/);
  });

  test('health and metrics endpoints', async () => {
    assert.equal((await c.k(['get', '--raw', '/healthz'])).trim(), 'ok');
    assert.equal((await c.k(['get', '--raw', '/readyz'])).trim(), 'ok');
    assert.equal((await c.k(['get', '--raw', '/livez'])).trim(), 'ok');
    await c.k(['get', 'configmaps', '-n', 'kube-system']);
    const families = parseExposition(await c.k(['get', '--raw', '/metrics']));
    // Upstream's names, types and labels, so the kube-apiserver dashboards work unchanged.
    const lists = series(families, 'apiserver_request_total', { verb: 'LIST', group: '', version: 'v1', resource: 'configmaps', scope: 'namespace', component: 'apiserver', code: '200' });
    assert.ok(lists.length === 1 && lists[0]!.value >= 1, 'LIST configmaps counted');
    assert.equal(families.get('apiserver_request_duration_seconds')?.type, 'histogram');
    assert.ok(series(families, 'apiserver_request_duration_seconds_bucket', { verb: 'LIST', resource: 'configmaps', scope: 'namespace', le: '60' }).length === 1);
    assert.equal(series(families, 'apiserver_current_inflight_requests', { request_kind: 'readOnly' }).length, 1);
    assert.ok(series(families, 'apiserver_storage_objects', { resource: 'namespaces' })[0]!.value >= 4);
    assert.equal(series(families, 'process_start_time_seconds').length, 1);
  });

  test('the embedded controller manager and scheduler record their series in the server\'s /metrics', async () => {
    // No node joins this cluster: as upstream (no nodes is not a fit error), the attempt is an error.
    await c.k(['run', 'metrics-probe', '--image=busybox', '--restart=Never']);
    const families = await eventually(async () => {
      const f = parseExposition(await c.k(['get', '--raw', '/metrics']));
      return series(f, 'scheduler_schedule_attempts_total', { result: 'error', profile: 'default-scheduler' }).length ? f : undefined;
    }, 20_000, 'a failed attempt in /metrics');
    assert.ok(series(families, 'scheduler_scheduling_attempt_duration_seconds_count', { result: 'error' })[0]!.value >= 1);
    for (const queue of ['active', 'backoff', 'unschedulable']) assert.equal(series(families, 'scheduler_pending_pods', { queue }).length, 1, queue);
    for (const name of ['workqueue_adds_total', 'workqueue_depth', 'workqueue_retries_total', 'workqueue_unfinished_work_seconds', 'workqueue_longest_running_processor_seconds']) {
      assert.ok(series(families, name, { name: 'deployment' }).length === 1, `${name}{name="deployment"}`);
    }
    assert.equal(families.get('workqueue_queue_duration_seconds')?.type, 'histogram');
    assert.ok(series(families, 'workqueue_adds_total').some(s => s.value > 0), 'some controller queued work');
    await c.k(['delete', 'pod', 'metrics-probe', '--wait=false']);
  });
});
