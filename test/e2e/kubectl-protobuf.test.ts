// kubectl's typed-client commands (`create <kind>`, `autoscale`, `auth`) send protobuf request bodies. Each
// command here must succeed, must really have sent protobuf (checked in kubectl's -v=8 log), and
// `get -o json` must show the fields that were sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { run } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';

const NS = 'pb';

describe('kubectl protobuf request bodies', () => {
  const s = suiteCluster({ scratch: 'k8ts-protobuf-' });

  /** Runs a kubectl command that must succeed with a protobuf body; returns its stdout. */
  async function sendsProtobuf(args: string[]): Promise<string> {
    const r = await s.c.kubectl(['-v=8', ...args]);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr.split('\n').filter(l => !/^I\d{4}/.test(l)).join('\n')}`);
    assert.match(r.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/, `kubectl ${args.join(' ')} did not send protobuf`);
    return r.stdout;
  }

  async function getJson(...args: string[]): Promise<Record<string, any>> {
    return JSON.parse(await s.c.k(['get', ...args, '-o', 'json']));
  }

  test('create namespace', async () => {
    assert.match(await sendsProtobuf(['create', 'namespace', NS]), /namespace\/pb created/);
    const ns = await getJson('namespace', NS);
    assert.equal(ns.metadata.name, NS);
    assert.equal(ns.status.phase, 'Active');
  });

  test('create configmap and secrets (generic with bytes, tls)', async () => {
    await sendsProtobuf(['create', 'configmap', 'cfg', '-n', NS, '--from-literal=color=blue', '--from-literal=size=L']);
    assert.deepEqual((await getJson('configmap', 'cfg', '-n', NS)).data, { color: 'blue', size: 'L' });

    await sendsProtobuf(['create', 'secret', 'generic', 'creds', '-n', NS, '--from-literal=password=s3cret']);
    const secret = await getJson('secret', 'creds', '-n', NS);
    assert.equal(secret.type, 'Opaque');
    assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 's3cret');

    const crt = join(s.dir, 'tls.crt');
    const key = join(s.dir, 'tls.key');
    const gen = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=pb.test']);
    assert.equal(gen.code, 0, gen.stderr);
    await sendsProtobuf(['create', 'secret', 'tls', 'cert', '-n', NS, `--cert=${crt}`, `--key=${key}`]);
    const tls = await getJson('secret', 'cert', '-n', NS);
    assert.equal(tls.type, 'kubernetes.io/tls');
    assert.match(Buffer.from(tls.data['tls.crt'], 'base64').toString(), /BEGIN CERTIFICATE/);
    assert.match(Buffer.from(tls.data['tls.key'], 'base64').toString(), /BEGIN PRIVATE KEY/);
  });

  test('create service clusterip and nodeport', async () => {
    await sendsProtobuf(['create', 'service', 'clusterip', 'front', '-n', NS, '--tcp=80:8080']);
    const front = await getJson('service', 'front', '-n', NS);
    assert.equal(front.spec.type, 'ClusterIP');
    assert.deepEqual(front.spec.selector, { app: 'front' });
    assert.equal(front.spec.ports[0].port, 80);
    assert.equal(front.spec.ports[0].targetPort, 8080);

    await sendsProtobuf(['create', 'service', 'nodeport', 'edge', '-n', NS, '--tcp=81:8081', '--node-port=30081']);
    const edge = await getJson('service', 'edge', '-n', NS);
    assert.equal(edge.spec.type, 'NodePort');
    assert.equal(edge.spec.ports[0].nodePort, 30081);
    assert.equal(edge.spec.ports[0].targetPort, 8081);
  });

  test('create deployment, job and cronjob (pod templates)', async () => {
    await sendsProtobuf(['create', 'deployment', 'web', '-n', NS, '--image=busybox', '--replicas=2', '--port=80']);
    const deploy = await getJson('deployment', 'web', '-n', NS);
    assert.equal(deploy.spec.replicas, 2);
    assert.deepEqual(deploy.spec.selector.matchLabels, { app: 'web' });
    const [container] = deploy.spec.template.spec.containers;
    assert.equal(container.image, 'busybox');
    assert.equal(container.ports[0].containerPort, 80);

    await sendsProtobuf(['create', 'job', 'once', '-n', NS, '--image=busybox', '--', 'sh', '-c', 'echo hi']);
    const job = await getJson('job', 'once', '-n', NS);
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['sh', '-c', 'echo hi']);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');

    await sendsProtobuf(['create', 'cronjob', 'tick', '-n', NS, '--image=busybox', '--schedule=*/5 * * * *']);
    const cron = await getJson('cronjob', 'tick', '-n', NS);
    assert.equal(cron.spec.schedule, '*/5 * * * *');
    assert.equal(cron.spec.jobTemplate.spec.template.spec.containers[0].image, 'busybox');
  });

  test('autoscale a deployment (autoscaling/v1 HorizontalPodAutoscaler)', async () => {
    await sendsProtobuf(['autoscale', 'deployment', 'web', '-n', NS, '--min=2', '--max=5', '--cpu-percent=60']);
    const hpa = await getJson('hpa', 'web', '-n', NS);
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(hpa.spec.maxReplicas, 5);
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
  });

  test('create serviceaccount, role, clusterrole, rolebinding, clusterrolebinding', async () => {
    await sendsProtobuf(['create', 'serviceaccount', 'bot', '-n', NS]);
    assert.equal((await getJson('serviceaccount', 'bot', '-n', NS)).metadata.name, 'bot');

    await sendsProtobuf(['create', 'role', 'reader', '-n', NS, '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=web']);
    const role = await getJson('role', 'reader', '-n', NS);
    assert.deepEqual(role.rules.map((r: any) => [r.apiGroups, r.resources, r.verbs, r.resourceNames]), [
      [[''], ['pods'], ['get', 'list'], ['web']],
      [['apps'], ['deployments'], ['get', 'list'], ['web']],
    ]);

    await sendsProtobuf(['create', 'clusterrole', 'pb-logs', '--verb=get', '--non-resource-url=/logs/*']);
    assert.deepEqual((await getJson('clusterrole', 'pb-logs')).rules, [{ nonResourceURLs: ['/logs/*'], verbs: ['get'] }]);

    await sendsProtobuf(['create', 'rolebinding', 'reader-binding', '-n', NS, '--role=reader', '--user=alice', `--serviceaccount=${NS}:bot`]);
    const rb = await getJson('rolebinding', 'reader-binding', '-n', NS);
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
    assert.deepEqual(rb.subjects.map((s: any) => [s.kind, s.name, s.namespace]), [['User', 'alice', undefined], ['ServiceAccount', 'bot', NS]]);
    assert.equal(rb.subjects[0].apiGroup, 'rbac.authorization.k8s.io');

    await sendsProtobuf(['create', 'clusterrolebinding', 'pb-logs-binding', '--clusterrole=pb-logs', '--group=ops']);
    const crb = await getJson('clusterrolebinding', 'pb-logs-binding');
    assert.equal(crb.roleRef.kind, 'ClusterRole');
    assert.deepEqual(crb.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ops' }]);
  });

  test('create priorityclass, pdb and quota', async () => {
    await sendsProtobuf(['create', 'priorityclass', 'pb-high', '--value=1000', '--description=important', '--preemption-policy=Never']);
    const pc = await getJson('priorityclass', 'pb-high');
    assert.equal(pc.value, 1000);
    assert.equal(pc.description, 'important');
    assert.equal(pc.preemptionPolicy, 'Never');

    await sendsProtobuf(['create', 'pdb', 'web-pdb', '-n', NS, '--selector=app=web', '--min-available=50%']);
    const pdb = await getJson('pdb', 'web-pdb', '-n', NS);
    assert.equal(pdb.spec.minAvailable, '50%');
    assert.deepEqual(pdb.spec.selector.matchLabels, { app: 'web' });

    await sendsProtobuf(['create', 'quota', 'limits', '-n', NS, '--hard=pods=100,cpu=20,memory=10Gi']);
    assert.deepEqual((await getJson('quota', 'limits', '-n', NS)).spec.hard, { pods: '100', cpu: '20', memory: '10Gi' });
  });

  test('create ingress with rules, tls and class', async () => {
    await sendsProtobuf(['create', 'ingress', 'site', '-n', NS, '--class=nginx', '--rule=foo.example/bar=front:80', '--rule=tls.example/*=edge:https,tls=cert']);
    const ing = await getJson('ingress', 'site', '-n', NS);
    assert.equal(ing.spec.ingressClassName, 'nginx');
    assert.deepEqual(ing.spec.rules[0], {
      host: 'foo.example',
      http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'front', port: { number: 80 } } } }] },
    });
    assert.deepEqual(ing.spec.rules[1].http.paths[0].backend, { service: { name: 'edge', port: { name: 'https' } } });
    assert.deepEqual(ing.spec.tls, [{ hosts: ['tls.example'], secretName: 'cert' }]);
  });

  test('run pod with env, labels and port', async () => {
    // kubectl 1.32 `run` posts JSON, not protobuf; it belongs to the same everyday set.
    await s.c.k(['run', 'solo', '-n', NS, '--image=busybox', '--env=A=1', '--labels=x=y', '--port', '8080']);
    const pod = await getJson('pod', 'solo', '-n', NS);
    assert.deepEqual(pod.metadata.labels, { x: 'y' });
    assert.deepEqual(pod.spec.containers[0].env, [{ name: 'A', value: '1' }]);
    assert.equal(pod.spec.containers[0].ports[0].containerPort, 8080);
  });

  test('auth whoami and auth can-i', async () => {
    const who = JSON.parse(await sendsProtobuf(['auth', 'whoami', '-o', 'json']));
    assert.equal(who.kind, 'SelfSubjectReview');
    assert.ok(who.status.userInfo.username);
    assert.equal((await sendsProtobuf(['auth', 'can-i', 'create', 'pods', '-n', NS])).trim(), 'yes');
  });
});
