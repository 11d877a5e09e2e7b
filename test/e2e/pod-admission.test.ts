// The pod admission plugins end to end with the real kubectl: PodSecurity (enforce rejects with
// upstream's message, warn and a tightened enforce level show as kubectl warnings, workloads are
// warned only, bad labels are invalid), LimitRanger (defaults on a created pod, max refused,
// inconsistent LimitRanges invalid) and DefaultStorageClass (a claim without a class gets the
// default one); PodSecurity's defaults and exemptions from --admission-control-config-file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestCluster, eventually } from './harness.js';

const manifest = (o: object) => JSON.stringify(o);
const pod = (name: string, namespace: string, spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => manifest({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace },
  spec: { containers: [{ name: 'c', image: 'k8ts.local/busybox:1', ...container }], ...spec },
});
/** A pod that meets the restricted level. */
const restrictedPod = (name: string, namespace: string) => pod(name, namespace,
  { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } },
  { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } });

describe('pod admission with kubectl', () => {
  let c: TestCluster;

  before(async () => {
    c = await TestCluster.start();
    for (const ns of ['psa-enforce', 'psa-warn', 'limits']) await c.k(['create', 'namespace', ns]);
    // The controllers create each namespace's default ServiceAccount, which new pods need.
    for (const ns of ['psa-enforce', 'psa-warn', 'limits']) {
      await eventually(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', ns])).code === 0, 30_000, `default ServiceAccount in ${ns}`);
    }
  });

  after(async () => {
    await c?.stop();
  });

  test('PodSecurity restricted rejects a privileged pod with upstream\'s message and admits a restricted one', async () => {
    await c.k(['label', 'namespace', 'psa-enforce', 'pod-security.kubernetes.io/enforce=restricted']);
    const r = await c.kubectl(['create', '-f', '-'], pod('priv', 'psa-enforce', {}, { securityContext: { privileged: true } }));
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim(),
      'Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "restricted:latest": ' +
      'privileged (container "c" must not set securityContext.privileged=true), ' +
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
      'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
    const ok = await c.kubectl(['create', '-f', '-'], restrictedPod('fine', 'psa-enforce'));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr, '', 'a compliant pod draws no warning');
  });

  test('a workload in an enforcing namespace is created with a warning, not rejected', async () => {
    const r = await c.kubectl(['create', 'deployment', 'web', '-n', 'psa-enforce', '--image', 'k8ts.local/busybox:1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps\/web created/);
    assert.match(r.stderr, /^Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "busybox" must set securityContext.allowPrivilegeEscalation=false\), /m);
  });

  test('warn prints kubectl warnings and admits the pod', async () => {
    await c.k(['label', 'namespace', 'psa-warn', 'pod-security.kubernetes.io/warn=baseline', 'pod-security.kubernetes.io/warn-version=v1.32']);
    const r = await c.kubectl(['create', '-f', '-'], pod('hostnet', 'psa-warn', { hostNetwork: true }, { ports: [{ containerPort: 8080, hostPort: 8080 }] }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod\/hostnet created/);
    assert.equal(r.stderr.trim(), 'Warning: would violate PodSecurity "baseline:v1.32": host namespaces (hostNetwork=true), hostPort (container "c" uses hostPort 8080)');
  });

  test('labelling a namespace with a stricter enforce level warns about the pods it already has', async () => {
    await c.k(['create', '-f', '-'], pod('privileged-a', 'psa-warn', {}, { securityContext: { privileged: true } }));
    await c.k(['create', '-f', '-'], pod('privileged-b', 'psa-warn', {}, { securityContext: { privileged: true } }));
    const r = await c.kubectl(['label', 'namespace', 'psa-warn', '--overwrite', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/psa-warn labeled/);
    const warnings = r.stderr.trim().split('\n');
    assert.deepEqual(warnings, [
      'Warning: existing pods in namespace "psa-warn" violate the new PodSecurity enforce level "restricted:latest"',
      'Warning: hostnet: host namespaces, hostPort, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      'Warning: privileged-a (and 1 other pod): privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
  });

  test('a bad pod-security label is invalid', async () => {
    const r = await c.kubectl(['label', 'namespace', 'psa-enforce', '--overwrite', 'pod-security.kubernetes.io/enforce=strict']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /metadata.labels\[pod-security.kubernetes.io\/enforce\]: Invalid value: "strict": must be one of privileged, baseline, restricted/);
    const ns = JSON.parse(await c.k(['get', 'namespace', 'psa-enforce', '-o', 'json'])) as { metadata: { labels: Record<string, string> } };
    assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  test('LimitRange defaults appear on a created pod and its max is enforced', async () => {
    await c.k(['create', '-f', '-'], manifest({
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'cpu-mem', namespace: 'limits' },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '250m', memory: '64Mi' }, max: { cpu: '1' } }] },
    }));
    await eventually(async () => {
      await c.k(['delete', 'pod', 'plain', '-n', 'limits', '--ignore-not-found', '--wait=false']);
      await c.k(['create', '-f', '-'], pod('plain', 'limits'));
      const p = JSON.parse(await c.k(['get', 'pod', 'plain', '-n', 'limits', '-o', 'json'])) as { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<{ resources?: unknown }> } };
      // The LimitRange reaches the admission plugin through the API server's watch cache.
      if (!p.metadata.annotations?.['kubernetes.io/limit-ranger']) return false;
      assert.deepEqual(p.spec.containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } });
      assert.equal(p.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c');
      return true;
    }, 20_000, 'the LimitRange defaults');

    const inconsistent = await c.kubectl(['create', '-f', '-'], manifest({
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'inverted', namespace: 'limits' },
      spec: { limits: [{ type: 'Container', max: { cpu: '1' }, default: { cpu: '2' } }] },
    }));
    assert.notEqual(inconsistent.code, 0);
    assert.match(inconsistent.stderr, /The LimitRange "inverted" is invalid/);
    assert.match(inconsistent.stderr, /spec.limits\[0\].default\[cpu\]: Invalid value: resource.Quantity\{i:resource.int64Amount\{value:1, scale:0\}, d:resource.infDecAmount\{Dec:\(\*inf.Dec\)\(nil\)\}, s:"1", Format:"DecimalSI"\}: default value 2 is greater than max value 1/);

    const big = await c.kubectl(['create', '-f', '-'], pod('big', 'limits', {}, { resources: { limits: { cpu: '2' } } }));
    assert.notEqual(big.code, 0);
    assert.equal(big.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  });

  test('a claim without a class gets the default StorageClass', async () => {
    await c.k(['create', '-f', '-'], manifest({
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/none',
    }));
    assert.match(await c.k(['get', 'storageclass']), /standard \(default\)/);
    const claim = (name: string, spec: Record<string, unknown> = {}) => manifest({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'limits' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
    });
    await eventually(async () => {
      await c.k(['delete', 'pvc', 'data', '-n', 'limits', '--ignore-not-found', '--wait=false']);
      await c.k(['create', '-f', '-'], claim('data'));
      return (await c.k(['get', 'pvc', 'data', '-n', 'limits', '-o', 'jsonpath={.spec.storageClassName}'])) === 'standard';
    }, 20_000, 'the default class on a new claim');
    await c.k(['create', '-f', '-'], claim('none', { storageClassName: '' }));
    assert.equal(await c.k(['get', 'pvc', 'none', '-n', 'limits', '-o', 'jsonpath={.spec.storageClassName}']), '', 'an explicit "" stays');
  });
});

describe('PodSecurity configured by --admission-control-config-file', () => {
  let c: TestCluster;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-psa-config-'));
    writeFileSync(join(dir, 'pod-security.yaml'), [
      'apiVersion: pod-security.admission.config.k8s.io/v1', 'kind: PodSecurityConfiguration',
      'defaults:', '  enforce: baseline', 'exemptions:', '  namespaces: [ops]', '',
    ].join('\n'));
    writeFileSync(join(dir, 'admission.yaml'), [
      'apiVersion: apiserver.config.k8s.io/v1', 'kind: AdmissionConfiguration',
      'plugins:', '- name: PodSecurity', '  path: pod-security.yaml', '',
    ].join('\n'));
    c = await TestCluster.start({ extraArgs: ['--admission-control-config-file', join(dir, 'admission.yaml')] });
    await c.k(['create', 'namespace', 'ops']);
    for (const ns of ['default', 'ops']) {
      await eventually(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', ns])).code === 0, 30_000, `default ServiceAccount in ${ns}`);
    }
  });

  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('unlabelled namespaces enforce the configured default; exempt namespaces do not', async () => {
    const denied = await c.kubectl(['create', '-f', '-'], pod('hostnet', 'default', { hostNetwork: true }));
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /pods "hostnet" is forbidden: violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/);
    const exempt = await c.kubectl(['create', '-f', '-'], pod('hostnet', 'ops', { hostNetwork: true }));
    assert.equal(exempt.code, 0, exempt.stderr);
    // A label still overrides the default.
    await c.k(['label', 'namespace', 'default', 'pod-security.kubernetes.io/enforce=privileged']);
    assert.equal((await c.kubectl(['create', '-f', '-'], pod('hostnet', 'default', { hostNetwork: true }))).code, 0);
  });
});
