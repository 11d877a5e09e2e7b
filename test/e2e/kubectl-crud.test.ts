// The everyday kubectl workflow against a real `k8ts server`: apply a manifest, read it back in
// every output format, label, annotate, patch, replace, edit, scale and delete.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: httpd
        image: busybox:1.36
        command: ["httpd", "-f", "-p", "8080"]
        ports:
        - containerPort: 8080
        env:
        - name: MODE
          value: demo
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
  labels: {app: web}
data:
  color: blue
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: demo
stringData:
  password: s3cret
`;

describe('kubectl CRUD against k8ts server', () => {
  const s = suiteCluster({ scratch: 'k8ts-manifests-' });

  test('apply creates every document of a multi-document manifest', async () => {
    writeFileSync(join(s.dir, 'app.yaml'), MANIFEST);
    const out = await s.c.k(['apply', '-f', join(s.dir, 'app.yaml')]);
    assert.match(out, /namespace\/demo created/);
    assert.match(out, /deployment.apps\/web created/);
    assert.match(out, /service\/web created/);
    assert.match(out, /configmap\/settings created/);
    assert.match(out, /secret\/creds created/);
  });

  test('get in table, wide, yaml, json, jsonpath and custom-columns form', async () => {
    const table = await s.c.k(['get', 'deployments', '-n', 'demo']);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/m);
    // No node runs the pods, so none is ready; the controller may already have created them.
    assert.match(table, /^web\s+0\/2\s+[02]\s+0\s+\d+s/m);
    const wide = await s.c.k(['get', 'deploy', 'web', '-n', 'demo', '-o', 'wide']);
    assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
    assert.match(wide, /httpd\s+busybox:1.36\s+app=web/);
    const svc = await s.c.k(['get', 'svc', 'web', '-n', 'demo']);
    assert.match(svc, /^web\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP/m);
    const yaml = await s.c.k(['get', 'configmap', 'settings', '-n', 'demo', '-o', 'yaml']);
    assert.match(yaml, /color: blue/);
    assert.match(yaml, /resourceVersion: "\d+"/);
    const json = JSON.parse(await s.c.k(['get', 'secret', 'creds', '-n', 'demo', '-o', 'json']));
    assert.equal(Buffer.from(json.data.password, 'base64').toString(), 's3cret');
    assert.equal(json.type, 'Opaque');
    const jp = await s.c.k(['get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.strategy.type}']);
    assert.equal(jp, 'busybox:1.36 RollingUpdate');
    const cc = await s.c.k(['get', 'deploy', '-n', 'demo', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas']);
    assert.match(cc, /^NAME\s+REPLICAS\nweb\s+2\n$/);
  });

  test('selectors, all namespaces and labels', async () => {
    const byLabel = await s.c.k(['get', 'cm', '-n', 'demo', '-l', 'app=web', '-o', 'name']);
    assert.equal(byLabel.trim(), 'configmap/settings');
    const none = await s.c.kubectl(['get', 'cm', '-n', 'demo', '-l', 'app in (db,cache)']);
    assert.match(none.stderr, /No resources found in demo namespace/);
    const notIn = await s.c.k(['get', 'cm', '-n', 'demo', '-l', 'app notin (db),app', '-o', 'name']);
    assert.equal(notIn.trim(), 'configmap/settings');
    const field = await s.c.k(['get', 'svc', '-A', '--field-selector', 'metadata.namespace=default', '-o', 'name']);
    assert.equal(field.trim(), 'service/kubernetes');
    const all = await s.c.k(['get', 'services', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+TYPE/m);
    assert.match(all, /^default\s+kubernetes\s+ClusterIP\s+10\.43\.0\.1\s/m);
    assert.match(all, /^demo\s+web\s+ClusterIP/m);
    const show = await s.c.k(['get', 'deploy', '-n', 'demo', '--show-labels']);
    assert.match(show, /LABELS\n.*app=web,tier=front/);
    const bad = await s.c.kubectl(['get', 'pods', '--field-selector', 'spec.bogus=1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /field label not supported: spec.bogus/);
  });

  test('describe shows the object', async () => {
    const d = await s.c.k(['describe', 'deployment', 'web', '-n', 'demo']);
    assert.match(d, /^Name:\s+web$/m);
    assert.match(d, /^Namespace:\s+demo$/m);
    assert.match(d, /^Selector:\s+app=web$/m);
    assert.match(d, /StrategyType:\s+RollingUpdate/);
    assert.match(d, /MODE:\s+demo/);
    const cm = await s.c.k(['describe', 'cm', 'settings', '-n', 'demo']);
    assert.match(cm, /color:\n----\nblue/);
  });

  test('label and annotate, with and without --overwrite', async () => {
    await s.c.k(['label', 'cm', 'settings', '-n', 'demo', 'env=dev']);
    const clash = await s.c.kubectl(['label', 'cm', 'settings', '-n', 'demo', 'env=prod']);
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /already has a value \(dev\), and --overwrite is false/);
    await s.c.k(['label', 'cm', 'settings', '-n', 'demo', 'env=prod', '--overwrite']);
    await s.c.k(['annotate', 'cm', 'settings', '-n', 'demo', 'owner=team-a']);
    await s.c.k(['annotate', 'cm', 'settings', '-n', 'demo', 'owner=team-b', '--overwrite']);
    const meta = JSON.parse(await s.c.k(['get', 'cm', 'settings', '-n', 'demo', '-o', 'json'])).metadata;
    assert.equal(meta.labels.env, 'prod');
    assert.equal(meta.annotations.owner, 'team-b');
    await s.c.k(['label', 'cm', 'settings', '-n', 'demo', 'env-']);
    const after = JSON.parse(await s.c.k(['get', 'cm', 'settings', '-n', 'demo', '-o', 'json'])).metadata;
    assert.equal(after.labels.env, undefined);
  });

  test('patch with strategic, merge and JSON patch types', async () => {
    await s.c.k(['patch', 'deploy', 'web', '-n', 'demo', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"httpd","env":[{"name":"EXTRA","value":"1"}]}]}}}}']);
    let dep = JSON.parse(await s.c.k(['get', 'deploy', 'web', '-n', 'demo', '-o', 'json']));
    const env = dep.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name).sort();
    assert.deepEqual(env, ['EXTRA', 'MODE'], 'strategic merge keeps existing list items');
    assert.equal(dep.metadata.generation, 2);
    await s.c.k(['patch', 'deploy', 'web', '-n', 'demo', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":null,"patched":"yes"}}}']);
    dep = JSON.parse(await s.c.k(['get', 'deploy', 'web', '-n', 'demo', '-o', 'json']));
    assert.equal(dep.metadata.labels.tier, undefined);
    assert.equal(dep.metadata.labels.patched, 'yes');
    await s.c.k(['patch', 'deploy', 'web', '-n', 'demo', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]']);
    dep = JSON.parse(await s.c.k(['get', 'deploy', 'web', '-n', 'demo', '-o', 'json']));
    assert.equal(dep.spec.replicas, 3);
    const bad = await s.c.kubectl(['patch', 'deploy', 'web', '-n', 'demo', '--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":99}]']);
    assert.notEqual(bad.code, 0);
  });

  test('scale', async () => {
    const out = await s.c.k(['scale', 'deploy', 'web', '-n', 'demo', '--replicas', '5']);
    assert.match(out, /deployment.apps\/web scaled/);
    const jp = await s.c.k(['get', 'deploy', 'web', '-n', 'demo', '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(jp, '5');
  });

  test('replace and edit', async () => {
    const cm = JSON.parse(await s.c.k(['get', 'cm', 'settings', '-n', 'demo', '-o', 'json']));
    cm.data.color = 'green';
    writeFileSync(join(s.dir, 'cm.json'), JSON.stringify(cm));
    assert.match(await s.c.k(['replace', '-f', join(s.dir, 'cm.json')]), /configmap\/settings replaced/);
    const stale = await s.c.kubectl(['replace', '-f', join(s.dir, 'cm.json')]);
    assert.notEqual(stale.code, 0, 'replace with an old resourceVersion conflicts');
    assert.match(stale.stderr, /the object has been modified/);

    const editor = join(s.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/color: green/color: red/" "$1"\n');
    chmodSync(editor, 0o755);
    const r = await s.c.kubectl(['edit', 'cm', 'settings', '-n', 'demo'], undefined, { EDITOR: editor, KUBE_EDITOR: editor });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configmap\/settings edited/);
    assert.equal(await s.c.k(['get', 'cm', 'settings', '-n', 'demo', '-o', 'jsonpath={.data.color}']), 'red');
  });

  test('create shortcuts', async () => {
    assert.match(await s.c.k(['create', 'namespace', 'extra']), /namespace\/extra created/);
    assert.match(await s.c.k(['create', 'configmap', 'cfg', '-n', 'extra', '--from-literal=a=1', '--from-literal=b=2']), /configmap\/cfg created/);
    assert.match(await s.c.k(['create', 'secret', 'generic', 'sec', '-n', 'extra', '--from-literal=token=abc']), /secret\/sec created/);
    assert.match(await s.c.k(['create', 'service', 'clusterip', 'api', '-n', 'extra', '--tcp=8080:80']), /service\/api created/);
    const svc = JSON.parse(await s.c.k(['get', 'svc', 'api', '-n', 'extra', '-o', 'json']));
    assert.match(svc.spec.clusterIP, /^10\.43\./);
    assert.equal(svc.spec.ports[0].targetPort, 80);
    const dup = await s.c.kubectl(['create', 'configmap', 'cfg', '-n', 'extra']);
    assert.match(dup.stderr, /configmaps "cfg" already exists/);
    const dupApply = await s.c.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'extra' } }));
    assert.match(dupApply.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": configmaps "cfg" already exists/);
    const noNs = await s.c.kubectl(['create', 'configmap', 'x', '-n', 'missing']);
    assert.match(noNs.stderr, /failed to create configmap: namespaces "missing" not found/);
  });

  test('get -w streams changes', async () => {
    const { spawn } = await import('node:child_process');
    const w = spawn('/usr/bin/kubectl', ['--kubeconfig', s.c.kubeconfig, 'get', 'cm', '-n', 'extra', '-w', '--output-watch-events']);
    let out = '';
    w.stdout.on('data', d => (out += d));
    try {
      await eventually(() => /ADDED\s+cfg/.test(out), 30_000, 'initial list in watch');
      await s.c.k(['create', 'configmap', 'watched', '-n', 'extra']);
      await eventually(() => /ADDED\s+watched/.test(out), 30_000, 'ADDED event');
      await s.c.k(['delete', 'configmap', 'watched', '-n', 'extra']);
      await eventually(() => /DELETED\s+watched/.test(out), 30_000, 'DELETED event');
    } finally {
      w.kill();
    }
  });

  test('delete by name, by label and --all', async () => {
    assert.match(await s.c.k(['delete', 'secret', 'sec', '-n', 'extra']), /secret "sec" deleted/);
    await s.c.k(['create', 'configmap', 'l1', '-n', 'extra']);
    await s.c.k(['label', 'cm', 'l1', '-n', 'extra', 'group=x']);
    assert.match(await s.c.k(['delete', 'cm', '-n', 'extra', '-l', 'group=x']), /configmap "l1" deleted/);
    await s.c.k(['delete', 'cm', '-n', 'extra', '--all']);
    // Only the CA bundle the root-CA publisher keeps in every namespace may come back.
    const left = (await s.c.k(['get', 'cm', '-n', 'extra', '-o', 'name'])).trim();
    assert.ok(left === '' || left === 'configmap/kube-root-ca.crt', left);
    const missing = await s.c.kubectl(['delete', 'cm', 'nope', '-n', 'extra']);
    assert.match(missing.stderr, /Error from server \(NotFound\): configmaps "nope" not found/);
  });
});
