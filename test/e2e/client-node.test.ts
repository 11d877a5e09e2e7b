// The official JavaScript client, unmodified: CRUD, patch, watch and an informer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { TestCluster, eventually } from './harness.js';

describe('@kubernetes/client-node against k8ts', () => {
  let c: TestCluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  before(async () => {
    c = await TestCluster.start();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  after(async () => { await c?.stop(); });

  test('CRUD on ConfigMaps', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'js', labels: { via: 'js' } }, data: { a: '1' } } });
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.resourceVersion);
    const read = await core.readNamespacedConfigMap({ name: 'js', namespace: 'default' });
    assert.equal(read.data?.a, '1');
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'via=js' });
    assert.deepEqual(list.items.map(i => i.metadata?.name), ['js']);
    read.data = { a: '2' };
    const replaced = await core.replaceNamespacedConfigMap({ name: 'js', namespace: 'default', body: read });
    assert.equal(replaced.data?.a, '2');
    assert.notEqual(replaced.metadata?.resourceVersion, read.metadata?.resourceVersion);
    await assert.rejects(core.replaceNamespacedConfigMap({ name: 'js', namespace: 'default', body: read }), (e: any) => e.code === 409);
    const patched = await core.patchNamespacedConfigMap({ name: 'js', namespace: 'default', body: { data: { b: '3' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    assert.deepEqual(patched.data, { a: '2', b: '3' });
    await core.deleteNamespacedConfigMap({ name: 'js', namespace: 'default' });
    await assert.rejects(core.readNamespacedConfigMap({ name: 'js', namespace: 'default' }), (e: any) => e.code === 404);
  });

  test('Deployments through the apps client, with the scale subresource', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: {
      metadata: { name: 'jsdep' },
      spec: { selector: { matchLabels: { app: 'jsdep' } }, template: { metadata: { labels: { app: 'jsdep' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    } });
    const d = await apps.readNamespacedDeployment({ name: 'jsdep', namespace: 'default' });
    assert.equal(d.spec?.replicas, 1);
    assert.equal(d.spec?.template.spec?.containers[0].imagePullPolicy, 'Always');
    const scale = await apps.readNamespacedDeploymentScale({ name: 'jsdep', namespace: 'default' });
    assert.equal(scale.spec?.replicas, 1);
    // The deployment controller writes status concurrently, so replace the scale optimistically.
    await eventually(async () => {
      const current = await apps.readNamespacedDeploymentScale({ name: 'jsdep', namespace: 'default' });
      current.spec = { replicas: 4 };
      return apps.replaceNamespacedDeploymentScale({ name: 'jsdep', namespace: 'default', body: current });
    }, 10_000, 'scale replaced');
    assert.equal((await apps.readNamespacedDeployment({ name: 'jsdep', namespace: 'default' })).spec?.replicas, 4);
  });

  test('watch delivers ADDED, MODIFIED and DELETED', async () => {
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const req = await watch.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata?.resourceVersion }, (type, obj) => {
      events.push(`${type} ${obj.metadata.name}`);
    }, () => {});
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w' } } });
      await core.patchNamespacedConfigMap({ name: 'w', namespace: 'default', body: { data: { x: 'y' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'w', namespace: 'default' });
      await eventually(() => events.length >= 3, 10_000, 'three watch events');
      assert.deepEqual(events, ['ADDED w', 'MODIFIED w', 'DELETED w']);
    } finally {
      req.abort();
    }
  });

  test('an informer keeps a cache in sync', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/secrets', () => core.listNamespacedSecret({ namespace: 'default' }));
    const added: string[] = [];
    informer.on('add', obj => added.push(obj.metadata!.name!));
    await informer.start();
    try {
      await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'inf' }, stringData: { k: 'v' } } });
      await eventually(() => informer.get('inf', 'default'), 10_000, 'informer cache to hold the secret');
      assert.ok(added.includes('inf'));
      await core.deleteNamespacedSecret({ name: 'inf', namespace: 'default' });
      await eventually(() => !informer.get('inf', 'default'), 10_000, 'informer cache to drop the secret');
    } finally {
      await informer.stop();
    }
  });
});
